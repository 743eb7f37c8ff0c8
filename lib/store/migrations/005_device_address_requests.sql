-- The address blocks a device asked for (ip_addresses on create), kept so a device that waits for a machine gets
-- them when it is placed. NULL (devices created before) means the default blocks.
ALTER TABLE devices ADD COLUMN ip_request jsonb;
