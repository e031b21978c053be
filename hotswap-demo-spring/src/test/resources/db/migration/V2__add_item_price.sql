-- The second release's migration: a file built before it (only V1) is the stale CI artifact.
ALTER TABLE items ADD COLUMN price REAL;
