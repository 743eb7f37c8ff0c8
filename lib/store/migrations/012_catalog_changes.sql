-- Every server caches the catalog (metros, facilities, plans, operating systems, and which plans have machines
-- where). Any change to those rows, by any server or by hand in psql, notifies 'metalforge_catalog_changed' when
-- it commits, so every server on the database reloads its copy. Statement-level: a bulk insert notifies once.
CREATE FUNCTION notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('metalforge_catalog_changed', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER metros_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON metros
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER facilities_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON facilities
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER plans_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plans
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER operating_systems_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON operating_systems
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
-- Machines change state all the time; only where a plan is offered matters to the catalog.
CREATE TRIGGER machines_enrolled AFTER INSERT OR DELETE OR TRUNCATE ON machines
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
CREATE TRIGGER machines_moved AFTER UPDATE OF plan_id, facility_id ON machines
  FOR EACH STATEMENT EXECUTE FUNCTION notify_catalog_changed();
