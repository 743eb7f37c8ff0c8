-- An install's token is handed to an iPXE fetch by MAC only while armed: the engine arms it when it network-boots
-- the machine for the install, the first fetch disarms it. A second fetch (a tenant probing the MAC, a replay)
-- gets no token.
ALTER TABLE devices ADD COLUMN install_token_armed boolean NOT NULL DEFAULT false;
