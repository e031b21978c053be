-- FirstRunTest's migration, where an application keeps its own: Flyway's default location.
-- BootApplicationTest and MvcAsyncPinTest serve ready-made databases and turn Flyway off.
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO items (name) VALUES ('migrated');
