-- Real work for sqlite3 under LD_PRELOAD: 100k INSERTs in one transaction (from inserts.sql,
-- generated), an index, queries with ORDER BY / GROUP BY, updates, deletes, VACUUM. No fsync: the test is about memory, not the disk.
PRAGMA journal_mode = MEMORY;
PRAGMA synchronous = OFF;
CREATE TABLE t(id INTEGER PRIMARY KEY, grp INTEGER, name TEXT, val REAL);
BEGIN;
.read inserts.sql
COMMIT;
CREATE INDEX t_grp ON t(grp, val);
SELECT grp, count(*), sum(val), min(name), max(name) FROM t GROUP BY grp ORDER BY grp;
SELECT name, val FROM t ORDER BY name DESC, id LIMIT 20;
SELECT count(DISTINCT name), count(*) FROM t;
SELECT grp, group_concat(id) FROM (SELECT * FROM t WHERE id % 1000 = 0 ORDER BY id)
  GROUP BY grp ORDER BY grp LIMIT 10;
SELECT a.grp, count(*) FROM t a JOIN t b ON b.id = a.id - 1 AND b.grp = (a.grp + 1) % 97
  GROUP BY a.grp ORDER BY 2 DESC, 1 LIMIT 5;
UPDATE t SET val = val * 2, name = upper(name) || name WHERE grp < 10;
DELETE FROM t WHERE id % 3 = 0;
SELECT count(*), total(val), max(length(name)) FROM t;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 50000)
  INSERT INTO t(grp, name, val) SELECT x % 13, printf('cte%06d', x), x / 3.0 FROM c;
SELECT grp, count(*), round(avg(val), 3) FROM t GROUP BY grp HAVING count(*) > 2000 ORDER BY grp;
VACUUM;
PRAGMA integrity_check;
