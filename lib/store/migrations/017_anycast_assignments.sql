-- A global (anycast) address may be assigned to several devices, once each: the backstop for equal starts in one
-- reservation now includes the device (the engine still refuses any other overlap under the reservation lock).
ALTER TABLE ip_assignments DROP CONSTRAINT ip_assignments_reservation_id_start_key;
ALTER TABLE ip_assignments ADD CONSTRAINT ip_assignments_reservation_start_device UNIQUE (reservation_id, start, device_id);
