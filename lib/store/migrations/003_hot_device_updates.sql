-- Lifecycle updates (state, progress, deadlines, install tokens) touch no indexed column, so PostgreSQL rewrites
-- the row on its own page without touching any index (a HOT update); fillfactor leaves room on each page for it.
ALTER TABLE devices SET (fillfactor = 60);
DROP INDEX devices_project;
CREATE INDEX devices_project ON devices (project_id, created_at);
DROP INDEX devices_waiting;
CREATE INDEX devices_waiting ON devices (metro_id, plan_id) WHERE machine_id IS NULL;
-- A phone-home token names its device: the install's hash is checked on the row found by id, not looked up.
DROP INDEX devices_phone_home;
-- Creates insert devices in batches; a foreign key would run a check query per inserted row. The engine keeps
-- both references instead: creates lock their project (FOR KEY SHARE, as the key check would) and a project is
-- deleted only under its row lock with no devices left; machines are locked FOR UPDATE when allocated.
ALTER TABLE devices DROP CONSTRAINT devices_project_id_fkey, DROP CONSTRAINT devices_machine_id_fkey;
