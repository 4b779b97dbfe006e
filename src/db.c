/*
 * db.c — schema, migrations and every SQL statement of herd.
 *
 * Theory of operation: the controller's main thread is the only user.
 * Statements are prepared once and reset after each use.  Jobs are one
 * row each in `jobs`; the bulky parts of a submission (script, arguments,
 * environment) are in `job_data`, read back only at launch, so listing the
 * queue never touches them.  The page cache is kept small on purpose:
 * herdd's memory is dominated by its in-memory queue, not SQLite.
 *
 * The files are private: db_open creates them under umask 077 (SQLite
 * gives the -wal and -shm files the database's own mode), because a job's
 * script and environment may hold secrets.  Only around the open: herdd's
 * own umask is what jobs on a local node inherit.
 *
 * Fault points (testing aid, see herdd(8)): HERD_FAULT_DB, read once at
 * db_open, makes the Nth insert, update, begin or commit of this open
 * database fail as a disk error would, so that tests can check that a
 * failed write is logged and that no state change is lost or invented.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "db.h"
#include "jobfield.h"
#include "job.h"
#include "log.h"
#include "util.h"

enum {
	ST_INSERT, ST_INSERT_DATA, ST_UPDATE, ST_GET, ST_GET_DATA, ST_ACTIVE,
	ST_HISTORY, ST_HISTORY_UID, ST_NODE_GET, ST_NODE_SET, ST_MAX_ID, ST_RAISE_FLOOR, ST_BEGIN,
	ST_COMMIT, ST_ROLLBACK, ST_TASK, ST_TASKS, ST_ATTEMPT_PUT, ST_ATTEMPTS, ST_USER_PUT,
	ST_USER_DEL, ST_USER_GET, ST_AUDIT_PUT, ST_AUDIT_LIST, ST_NODE_DRAIN, ST_NODE_RESUME,
	ST_NODE_DRAINS, ST_USAGE_PUT, ST_USAGE_ALL, ST_SAVEPOINT, ST_RELEASE, ST_ROLLBACK_TO,
	ST_GPU_SINCE, ST_PERIOD, ST_REASON_NOTE, ST_COUNT
};

static const char *sql_text[ST_COUNT] = {
	/* ST_INSERT, ST_UPDATE and the job SELECTs are built from jobfields[]. */
	[ST_INSERT_DATA] = "INSERT INTO job_data(id,script,argv,env,command,submit_dir,submit_host,"
	    "ntasks) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
	[ST_GET_DATA] = "SELECT script,argv,env,command,submit_dir,submit_host,ntasks"
	    " FROM job_data WHERE id=?1",
	[ST_NODE_GET] = "SELECT boot_id FROM nodes WHERE name=?1",
	[ST_NODE_SET] = "INSERT INTO nodes(name,boot_id) VALUES(?1,?2)"
	    " ON CONFLICT(name) DO UPDATE SET boot_id=excluded.boot_id",
	/* herd drain / resume: the nodes table's state, reason and state_time. */
	[ST_NODE_DRAIN] = "INSERT INTO nodes(name,state,reason,state_time) VALUES(?1,'DRAIN',?2,?3)"
	    " ON CONFLICT(name) DO UPDATE SET state='DRAIN', reason=excluded.reason,"
	    " state_time=excluded.state_time",
	[ST_NODE_RESUME] = "UPDATE nodes SET state=NULL, reason=NULL, state_time=?2 WHERE name=?1",
	[ST_NODE_DRAINS] = "SELECT name,reason,state_time FROM nodes WHERE state='DRAIN' ORDER BY name",
	[ST_MAX_ID] = "SELECT max(ifnull((SELECT max(id) FROM jobs), 0),"
	    " ifnull((SELECT CAST(v AS INTEGER) FROM meta WHERE k='id_floor'), 0))",
	[ST_RAISE_FLOOR] = "INSERT INTO meta(k, v) VALUES('id_floor', ?1) ON CONFLICT(k) DO UPDATE"
	    " SET v=excluded.v WHERE CAST(meta.v AS INTEGER) < CAST(excluded.v AS INTEGER)",
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	/* Inside a batch (db_batch_open), one caller's unit of writes. */
	[ST_SAVEPOINT] = "SAVEPOINT unit",
	[ST_RELEASE] = "RELEASE unit",
	[ST_ROLLBACK_TO] = "ROLLBACK TO unit",
	[ST_ATTEMPT_PUT] = "INSERT OR REPLACE INTO attempts(job_id,attempt,node,gpu_list,start_time,"
	    "end_time,state,exit_code,reason) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
	[ST_ATTEMPTS] = "SELECT job_id,attempt,node,gpu_list,start_time,end_time,state,exit_code,"
	    "reason FROM attempts WHERE job_id=?1 ORDER BY attempt",
	[ST_USER_PUT] = "INSERT OR REPLACE INTO lab_users(uid,name,registered) VALUES(?1,?2,?3)",
	[ST_USER_DEL] = "DELETE FROM lab_users WHERE uid=?1",
	[ST_USER_GET] = "SELECT 1 FROM lab_users WHERE uid=?1",
	[ST_AUDIT_PUT] = "INSERT INTO audit(time,actor_uid,actor,action,job_id,owner_uid,owner,detail)"
	    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
	[ST_AUDIT_LIST] = "SELECT id,time,actor_uid,actor,action,job_id,owner_uid,owner,detail"
	    " FROM audit ORDER BY id DESC LIMIT ?1",
	/* Fair share: each association's decayed usage (fairshare.h). */
	[ST_USAGE_PUT] = "INSERT OR REPLACE INTO usage(user,account,usage,decayed_to)"
	    " VALUES(?1,?2,?3,?4)",
	[ST_USAGE_ALL] = "SELECT user,account,usage,decayed_to FROM usage ORDER BY account,user",
	/* Limits' max_gpu_hours: GPU-seconds of the jobs that ended since ?1,
	 * the part of each inside the window. */
	[ST_GPU_SINCE] = "SELECT user,account,qos,sum(gpus*(end_time-max(start_time,?1)))"
	    " FROM jobs WHERE end_time>?1 AND start_time>0 AND end_time>start_time AND gpus>0"
	    " GROUP BY user,account,qos",
	/* herd usage -S/-E: GPU- and CPU-seconds allocated inside [?1, ?2) per
	 * (user, account), every attempt's run (a running one up to ?3, now),
	 * undecayed.  An earlier attempt's size is the job's. */
	[ST_PERIOD] = "WITH runs(user,account,gpus,cpus,s,e) AS ("
	    " SELECT user,account,gpus,cpus,start_time,"
	    "  CASE WHEN end_time>0 THEN end_time ELSE ?3 END"
	    "  FROM jobs WHERE state<>0 AND start_time>0"
	    " UNION ALL SELECT j.user,j.account,j.gpus,j.cpus,a.start_time,a.end_time"
	    "  FROM attempts a JOIN jobs j ON j.id=a.job_id"
	    "  WHERE a.start_time>0 AND a.end_time>a.start_time)"
	    " SELECT user,account,sum(gpus*(min(e,?2)-max(s,?1))),sum(cpus*(min(e,?2)-max(s,?1)))"
	    " FROM runs WHERE s<?2 AND e>?1 AND user IS NOT NULL GROUP BY user,account",
	/* A note added to an ended job's reason once (db_job_note). */
	[ST_REASON_NOTE] = "UPDATE jobs SET reason=CASE WHEN reason IS NULL OR reason=''"
	    " THEN ?5 ELSE reason||'; '||?5 END WHERE id=?1 AND attempt=?2 AND node=?3"
	    " AND (?4 IS NULL OR user=?4) AND instr(coalesce(reason,''),?6)=0",
};

/* Each entry moves the schema from version i to i+1. */
static const char *migrations[] = {
	"CREATE TABLE jobs("
	"  id INTEGER PRIMARY KEY, attempt INTEGER NOT NULL DEFAULT 0,"
	"  uid INTEGER NOT NULL, user TEXT, name TEXT NOT NULL,"
	"  state INTEGER NOT NULL, reason TEXT, exit_code INTEGER NOT NULL DEFAULT -1,"
	"  node TEXT, gpus INTEGER NOT NULL, gpu_list TEXT, cpus INTEGER NOT NULL,"
	"  mem_mb INTEGER NOT NULL, time_limit INTEGER NOT NULL,"
	"  submit_time INTEGER NOT NULL, start_time INTEGER, end_time INTEGER,"
	"  workdir TEXT NOT NULL, out_tmpl TEXT, err_tmpl TEXT,"
	"  array_parent INTEGER, array_index INTEGER);"
	"CREATE INDEX jobs_state ON jobs(state);"
	"CREATE TABLE job_data(id INTEGER PRIMARY KEY, script BLOB NOT NULL,"
	"  argv BLOB, env BLOB);"
	"CREATE TABLE nodes(name TEXT PRIMARY KEY, boot_id TEXT, state TEXT, reason TEXT,"
	"  state_time INTEGER);",
	"CREATE TABLE meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
	"INSERT INTO meta(k, v) VALUES('instance', lower(hex(randomblob(4))));",
	/* An ended job whose processes may still run keeps its node until
	 * they are gone, across restarts too. */
	"ALTER TABLE jobs ADD COLUMN held INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX jobs_held ON jobs(held) WHERE held=1;",
	/* What the job's environment and `herd show` tell beyond the script. */
	"ALTER TABLE job_data ADD COLUMN command TEXT;"
	"ALTER TABLE job_data ADD COLUMN submit_dir TEXT;"
	"ALTER TABLE job_data ADD COLUMN submit_host TEXT;"
	"ALTER TABLE job_data ADD COLUMN ntasks INTEGER NOT NULL DEFAULT 1;",
	/* Job arrays: array_parent and array_index (from the first schema) are
	 * array_job_id and array_task_id, -1 for none; the array's own record
	 * keeps its pending tasks as text until they start. */
	"UPDATE jobs SET array_parent=-1 WHERE array_parent IS NULL;"
	"UPDATE jobs SET array_index=-1 WHERE array_index IS NULL;"
	"ALTER TABLE jobs ADD COLUMN array_tasks TEXT;"
	"ALTER TABLE jobs ADD COLUMN array_throttle INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN array_spec TEXT;"
	"CREATE INDEX jobs_array ON jobs(array_parent, array_index) WHERE array_parent>=0;",
	/* Requeue: whether a node failure makes a new attempt (Slurm's
	 * JobRequeue=1 default), and every attempt before a job's latest
	 * (its own row).  Attempts count from 1: ended jobs of older
	 * releases (0) are their first; active ones keep their number, which
	 * names their files on the node. */
	"ALTER TABLE jobs ADD COLUMN requeue INTEGER NOT NULL DEFAULT 1;"
	"CREATE TABLE attempts(job_id INTEGER NOT NULL, attempt INTEGER NOT NULL,"
	"  node TEXT, gpu_list TEXT, start_time INTEGER, end_time INTEGER,"
	"  state INTEGER NOT NULL, exit_code INTEGER NOT NULL DEFAULT -1, reason TEXT,"
	"  PRIMARY KEY(job_id, attempt));"
	"UPDATE jobs SET attempt=1 WHERE attempt=0 AND state>=3 AND held=0;",
	/* When a pending job may start: --begin, --hold/herd hold, --nice,
	 * --dependency (the text, its states are the controller's). */
	"ALTER TABLE jobs ADD COLUMN begin_time INTEGER;"
	"ALTER TABLE jobs ADD COLUMN hold INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN nice INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN dependency TEXT;",
	/* Lab mode: who has registered (herdd may log in to the nodes as
	 * them), and every action an admin took on another user's job. */
	"CREATE TABLE lab_users(uid INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	"  registered INTEGER NOT NULL);"
	"CREATE TABLE audit(id INTEGER PRIMARY KEY, time INTEGER NOT NULL,"
	"  actor_uid INTEGER NOT NULL, actor TEXT, action TEXT NOT NULL, job_id INTEGER,"
	"  owner_uid INTEGER, owner TEXT, detail TEXT);",
	/* --signal before the time limit, and the attempt it went to (so a
	 * restart never sends it again); the submitter's umask, applied on
	 * the node (-1: a job of an older release, the node's own). */
	"ALTER TABLE jobs ADD COLUMN warn_signal TEXT;"
	"ALTER TABLE jobs ADD COLUMN warn_sent INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN umask INTEGER NOT NULL DEFAULT -1;",
	/* --comment (shown to all), --exclusive (0 shared, 1 the whole node,
	 * 2 only with its user's jobs) and whether --oversubscribe was asked. */
	"ALTER TABLE jobs ADD COLUMN comment TEXT;"
	"ALTER TABLE jobs ADD COLUMN exclusive INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN oversubscribe INTEGER NOT NULL DEFAULT 0;",
	/* Accounts and fair share: a job's account (older jobs: none), and each
	 * association's usage, decayed to decayed_to (fairshare.h). */
	"ALTER TABLE jobs ADD COLUMN account TEXT;"
	"CREATE TABLE usage(user TEXT NOT NULL, account TEXT NOT NULL, usage REAL NOT NULL,"
	"  decayed_to INTEGER NOT NULL, PRIMARY KEY(user, account));",
	/* -p (the partitions as asked, "a,b") and --qos (partition.h). */
	"ALTER TABLE jobs ADD COLUMN partition TEXT;"
	"ALTER TABLE jobs ADD COLUMN qos TEXT;",
	/* A job's GPUs by UUID (gpu.h): an index is only what the last probe
	 * said, and a restart maps running jobs by UUID (NULL: older jobs,
	 * mapped by gpu_list's indices). */
	"ALTER TABLE jobs ADD COLUMN gpu_uuids TEXT;",
	/* Where a job may run (issue 14): --gpus TYPE:N's type, --gpu-mem,
	 * --constraint, -w and -x as given (gputype.h, constraint.h,
	 * hostlist.h). */
	"ALTER TABLE jobs ADD COLUMN gpu_type TEXT;"
	"ALTER TABLE jobs ADD COLUMN gpu_mem_mb INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN req_constraint TEXT;"
	"ALTER TABLE jobs ADD COLUMN nodelist TEXT;"
	"ALTER TABLE jobs ADD COLUMN exclude TEXT;",
	/* --gpu-share (issue 14): part of one GPU by its --gpu-mem. */
	"ALTER TABLE jobs ADD COLUMN gpu_share INTEGER NOT NULL DEFAULT 0;",
	/* --mem=0 and --hint=nomultithread (issue 14): per-node figures taken
	 * at placement; cpus_req the CPUs asked (0: older jobs, as cpus). */
	"ALTER TABLE jobs ADD COLUMN mem_all INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN hint_nomt INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN cpus_req INTEGER NOT NULL DEFAULT 0;",
	/* What of a node herd keeps across its own restarts (issue 14): its
	 * own drain (sick: reason, since), the most GPUs the node has shown,
	 * the outage clock (lost_since: the last contact, NULL reachable),
	 * and the NODE_FAIL'd attempts still to be killed when it is back
	 * (uid and user: whose lane kills them in lab mode). */
	"ALTER TABLE nodes ADD COLUMN sick TEXT;"
	"ALTER TABLE nodes ADD COLUMN sick_since INTEGER;"
	"ALTER TABLE nodes ADD COLUMN gpus_max INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE nodes ADD COLUMN lost_since INTEGER;"
	"ALTER TABLE nodes ADD COLUMN lost_why TEXT;"
	"CREATE TABLE node_orphans(node TEXT NOT NULL, key TEXT NOT NULL,"
	"  uid INTEGER NOT NULL, user TEXT, PRIMARY KEY(node, key));",
	/* --mail-type (canonical, mailtype.h) and --mail-user (issue 15):
	 * what herdd's notify_command is told of; NULL none. */
	"ALTER TABLE jobs ADD COLUMN mail_type TEXT;"
	"ALTER TABLE jobs ADD COLUMN mail_user TEXT;",
	/* herd alloc's and herd run's holders (issue 15): idle_timeout's. */
	"ALTER TABLE jobs ADD COLUMN interactive INTEGER NOT NULL DEFAULT 0;",
	/* herd service (issue 16): the service's name (NULL: a batch job),
	 * its restart policy and count, the port the node picked. */
	"ALTER TABLE jobs ADD COLUMN svc_name TEXT;"
	"ALTER TABLE jobs ADD COLUMN svc_restart INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_max_restarts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_window INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_restarts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_win_start INTEGER;"
	"ALTER TABLE jobs ADD COLUMN svc_win_count INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_last_exit INTEGER NOT NULL DEFAULT -1;"
	"ALTER TABLE jobs ADD COLUMN svc_port_want INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_port INTEGER NOT NULL DEFAULT 0;",
	/* A service's health check (issue 16, svc_health.h): the check, its
	 * schedule, the health now and the last restart it asked for. */
	"ALTER TABLE jobs ADD COLUMN svc_health_cmd TEXT;"
	"ALTER TABLE jobs ADD COLUMN svc_health_http TEXT;"
	"ALTER TABLE jobs ADD COLUMN svc_health_interval INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_health_timeout INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_health_retries INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_health INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_health_fails INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_health_next INTEGER;"
	"ALTER TABLE jobs ADD COLUMN svc_health_why TEXT;",
	/* The last ended attempt was killed by the out-of-memory killer (issue 16)
	 * (its memory cgroup counted an oom_kill; oomkill.h). */
	"ALTER TABLE jobs ADD COLUMN last_oom INTEGER NOT NULL DEFAULT 0;",
	/* herd service start --share-with (issue 16, svc_share.h): the
	 * users' names as shown and their uids as checked. */
	"ALTER TABLE jobs ADD COLUMN svc_share_with TEXT;"
	"ALTER TABLE jobs ADD COLUMN svc_share_uids TEXT;",
	/* herd service start --idle-stop (issue 16, svc_idle.h): seconds. */
	"ALTER TABLE jobs ADD COLUMN svc_idle_stop INTEGER NOT NULL DEFAULT 0;",
	/* herd service --replicas and herd service restart (issue 16,
	 * svc_roll.h): the copies wanted, and each replica's part in a
	 * rolling restart, so a controller restart goes on with it. */
	"ALTER TABLE jobs ADD COLUMN svc_replicas INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE jobs ADD COLUMN svc_roll INTEGER NOT NULL DEFAULT 0;",
};

/* The steps a fault can be injected into, as HERD_FAULT_DB names them. */
enum { F_INSERT, F_UPDATE, F_BEGIN, F_COMMIT, F_NODE, F_COUNT };
static const char *fault_names[F_COUNT] = { "insert", "update", "begin", "commit", "node" };

struct fault {
	uint64_t seen;		/* steps of this kind so far */
	uint64_t at;		/* fail the at-th (1-based); 0: never */
	int onward;		/* "N+": and every one after it */
};

/* The columns of the jobs table, in jobfields[] order. */
static void add_columns(struct buf *b)
{
	for (size_t k = 0; k < njobfields; k++)
		buf_printf(b, "%s%s", k ? "," : "", jobfields[k].col);
}

/* " WHERE state IN (...)": the states that are final, or those that are not. */
static void add_states(struct buf *b, int final)
{
	int n = 0;
	buf_addstr(b, " WHERE state IN (");
	for (int s = 0; s < JOB_NSTATES; s++)
		if (!job_state_is_final((enum job_state)s) == !final)
			buf_printf(b, "%s%d", n++ ? "," : "", s);
	buf_addc(b, ')');
}

/*
 * The statements on jobs, made from jobfields[] once per process (the
 * table is constant): the insert computes the id (never below the floor:
 * an id a node has seen is never issued again), the update keys on it.
 */
static const char *job_sql(int which)
{
	static char *made[ST_COUNT];
	/* Active: not final, or still holding resources (being stopped);
	 * history: final.  Each after " WHERE state IN (...)" made from
	 * job_state_is_final(), the one definition (states()). */
	static const char *const where[ST_COUNT] = {
		[ST_GET] = " WHERE id=?1",
		[ST_ACTIVE] = " OR held=1 ORDER BY id",
		[ST_HISTORY] = " ORDER BY end_time DESC, id DESC LIMIT ?1",
		[ST_HISTORY_UID] = " AND uid=?2 ORDER BY end_time DESC, id DESC LIMIT ?1",
		[ST_TASK] = " WHERE array_parent=?1 AND array_index=?2",
		[ST_TASKS] = " WHERE array_parent=?1 AND array_index>=0 ORDER BY array_index",
	};
	struct buf b;
	int n = 0;

	if (made[which] != NULL)
		return made[which];
	buf_init(&b, 1 << 16);
	if (which == ST_INSERT) {
		buf_addstr(&b, "INSERT INTO jobs(id");
		for (size_t k = 0; k < njobfields; k++)
			if (jobfields[k].flags & JF_INSERT)
				buf_printf(&b, ",%s", jobfields[k].col);
		buf_addstr(&b, ") VALUES(max(ifnull((SELECT max(id) FROM jobs), 0), "
		    "ifnull((SELECT CAST(v AS INTEGER) FROM meta WHERE k='id_floor'), 0)) + 1");
		for (size_t k = 0; k < njobfields; k++)
			if (jobfields[k].flags & JF_INSERT)
				buf_printf(&b, ",?%d", ++n);
		buf_addc(&b, ')');
	} else if (which == ST_UPDATE) {
		buf_addstr(&b, "UPDATE jobs SET ");
		for (size_t k = 0; k < njobfields; k++)
			if (jobfields[k].flags & JF_UPDATE)
				buf_printf(&b, "%s%s=?%d", n ? "," : "", jobfields[k].col, n + 1), n++;
		buf_printf(&b, " WHERE id=?%d", n + 1);
	} else {
		buf_addstr(&b, "SELECT ");
		add_columns(&b);
		buf_addstr(&b, " FROM jobs");
		if (which == ST_ACTIVE || which == ST_HISTORY || which == ST_HISTORY_UID)
			add_states(&b, which != ST_ACTIVE);
		buf_addstr(&b, where[which]);
	}
	return made[which] = buf_detach(&b, NULL);
}

struct db {
	sqlite3 *h;
	sqlite3_stmt *st[ST_COUNT];
	struct fault fault[F_COUNT];
	int injected;		/* the failing step was a fault point's */
	int batch;		/* a batch's transaction is open (db_batch_open) */
	unsigned long long commits;	/* durable commits made (db_commits) */
	char err[HERD_ERRLEN];
};

static int fail(struct db *db, const char *what)
{
	snprintf(db->err, sizeof db->err, "%s: %s", what, db->injected ?
	    "disk I/O error (injected by HERD_FAULT_DB)" : sqlite3_errmsg(db->h));
	db->injected = 0;
	return -1;
}

/*
 * "KIND:N[+][,KIND:N[+]...]": fail the Nth step of KIND (and, with "+",
 * every later one: a disk that stays full).  Bad text is an error, so that
 * a test never runs believing a fault is armed when it is not.
 */
static int fault_parse(struct db *db, const char *spec, char *err, size_t errsz)
{
	const char *p = spec;
	while (*p != '\0') {
		size_t len = strcspn(p, ":,");
		int k;
		for (k = 0; k < F_COUNT; k++)
			if (strlen(fault_names[k]) == len && strncmp(p, fault_names[k], len) == 0)
				break;
		if (k == F_COUNT || p[len] != ':')
			goto bad;
		p += len + 1;
		char *end;
		errno = 0;
		unsigned long long n = strtoull(p, &end, 10);
		if (end == p || *p == '-' || errno != 0 || n == 0)
			goto bad;
		db->fault[k].at = n;
		db->fault[k].onward = *end == '+';
		p = end + (*end == '+');
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errsz, "invalid HERD_FAULT_DB \"%.200s\": expected KIND:N or KIND:N+ "
	    "(KIND insert, update, begin or commit; N from 1), comma-separated", spec);
	return -1;
}

/*
 * sqlite3_step, unless this is the step of `kind` a fault point names:
 * then SQLITE_IOERR without running it, so that the failure takes the
 * same path through the caller's checks as a real one.
 */
static int step(struct db *db, sqlite3_stmt *s, int kind)
{
	struct fault *f = &db->fault[kind];
	f->seen++;
	if (f->at == 0 || f->seen < f->at || (f->seen > f->at && !f->onward))
		return sqlite3_step(s);
	log_warn("HERD_FAULT_DB: failing %s #%llu (testing aid)", fault_names[kind],
	    (unsigned long long)f->seen);
	db->injected = 1;
	return SQLITE_IOERR;
}

const char *db_errmsg(struct db *db)
{
	return db->err;
}

static int migrate(struct db *db)
{
	sqlite3_stmt *s;
	int version = 0;
	size_t n = sizeof migrations / sizeof migrations[0];

	if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return fail(db, "user_version");
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version > (int)n) {
		snprintf(db->err, sizeof db->err,
		    "database schema version %d is newer than this herdd (%zu)", version, n);
		return -1;
	}
	for (; version < (int)n; version++) {
		char *sql;
		xasprintf(&sql, "BEGIN; %s PRAGMA user_version=%d; COMMIT;",
		    migrations[version], version + 1);
		int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			fail(db, "migration");
			sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}

int db_open(struct db **out, const char *path, char *err, size_t errsz)
{
	struct db *db = xcalloc(1, sizeof *db);
	/* FULL: in WAL mode, NORMAL syncs only at checkpoints, so an OS crash
	 * or power cut loses commits already acknowledged to `herd submit`;
	 * FULL syncs the WAL at every commit (scripts/bench measures it). */
	const char *pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    "PRAGMA cache_size=-2048; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;";
	const char *spec = getenv("HERD_FAULT_DB");
	mode_t old_mask = umask(077);

	if (spec != NULL && spec[0] != '\0') {
		if (fault_parse(db, spec, err, errsz) != 0)
			goto out;
		log_warn("HERD_FAULT_DB=%s: database faults armed (testing aid)", spec);
	}
	if (sqlite3_open_v2(path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
		goto out;
	}
	if (sqlite3_exec(db->h, pragmas, NULL, NULL, NULL) != SQLITE_OK || migrate(db) != 0) {
		if (db->err[0] == '\0')
			fail(db, "pragmas");
		snprintf(err, errsz, "%s: %s", path, db->err);
		goto out;
	}
	for (int i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(db->h, sql_text[i] ? sql_text[i] : job_sql(i), -1,
		    SQLITE_PREPARE_PERSISTENT,
		    &db->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errsz, "%s: preparing statement %d: %s", path, i,
			    sqlite3_errmsg(db->h));
			goto out;
		}
	}
	umask(old_mask);
	*out = db;
	return 0;
out:
	umask(old_mask);
	db_close(db);
	return -1;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(db->st[i]);
	sqlite3_close(db->h);
	free(db);
}

static int run_simple(struct db *db, int which, int kind, const char *what)
{
	sqlite3_stmt *s = db->st[which];
	int rc = kind < F_COUNT ? step(db, s, kind) : sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, what);
}

/*
 * Outside a batch: BEGIN IMMEDIATE ... COMMIT, each commit durable.  Inside
 * one: a savepoint, so that a caller's unit of writes (a job and its
 * attempt record) still goes whole or not at all, made durable by the
 * batch's commit.  Fault points count only the real BEGIN and COMMIT.
 */
int db_begin(struct db *db)
{
	if (db->batch)
		return run_simple(db, ST_SAVEPOINT, F_COUNT, "savepoint");
	return run_simple(db, ST_BEGIN, F_BEGIN, "begin");
}

/* An injected failure leaves the transaction open, as a failed COMMIT
 * may: the caller's db_rollback is what ends it. */
int db_commit(struct db *db)
{
	if (db->batch)
		return run_simple(db, ST_RELEASE, F_COUNT, "release");
	int rc = run_simple(db, ST_COMMIT, F_COMMIT, "commit");
	db->commits += rc == 0;
	return rc;
}

void db_rollback(struct db *db)
{
	if (!db->batch) {
		(void)run_simple(db, ST_ROLLBACK, F_COUNT, "rollback");
		return;
	}
	char keep[HERD_ERRLEN];	/* the caller's message, not the rollback's */
	strlcpy_h(keep, db->err, sizeof keep);
	(void)run_simple(db, ST_ROLLBACK_TO, F_COUNT, "rollback to");
	(void)run_simple(db, ST_RELEASE, F_COUNT, "release");
	strlcpy_h(db->err, keep, sizeof db->err);
}

int db_batch_open(struct db *db)
{
	if (db->batch || !sqlite3_get_autocommit(db->h))
		return 0;	/* open already, or inside a caller's own transaction */
	if (run_simple(db, ST_BEGIN, F_BEGIN, "begin") != 0)
		return -1;
	db->batch = 1;
	return 0;
}

int db_batch_commit(struct db *db)
{
	if (!db->batch)
		return 0;
	db->batch = 0;
	if (run_simple(db, ST_COMMIT, F_COMMIT, "commit") != 0) {
		char keep[HERD_ERRLEN];
		strlcpy_h(keep, db->err, sizeof keep);
		if (!sqlite3_get_autocommit(db->h))
			(void)run_simple(db, ST_ROLLBACK, F_COUNT, "rollback");
		strlcpy_h(db->err, keep, sizeof db->err);
		return -1;
	}
	db->commits++;
	return 0;
}

int db_batch_is_open(const struct db *db) { return db->batch; }
unsigned long long db_commits(const struct db *db) { return db->commits; }

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void bind_opt_time(sqlite3_stmt *s, int i, int64_t t)
{
	if (t == 0)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_int64(s, i, t);
}

/* The fields with `flag`, from parameter 1 on, in the table's order;
 * returns the next parameter number. */
static int bind_fields(sqlite3_stmt *s, const struct job_row *r, unsigned flag)
{
	int i = 1;
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (!(f->flags & flag))
			continue;
		switch (f->kind) {
		case JF_STR: case JF_LIST:
			bind_text(s, i, jobfield_str(r, f));
			break;
		case JF_TIME:
			bind_opt_time(s, i, jobfield_int(r, f));
			break;
		default:
			sqlite3_bind_int64(s, i, jobfield_int(r, f));
		}
		i++;
	}
	return i;
}

int db_job_insert(struct db *db, struct job_row *r, const struct job_data *d)
{
	sqlite3_stmt *s = db->st[ST_INSERT];
	int rc;

	bind_fields(s, r, JF_INSERT);
	rc = step(db, s, F_INSERT);
	sqlite3_clear_bindings(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return fail(db, "insert job");
	r->id = sqlite3_last_insert_rowid(db->h);
	if (d == NULL)
		return 0;	/* an array's task: its submission is the array's */
	s = db->st[ST_INSERT_DATA];
	sqlite3_bind_int64(s, 1, r->id);
	sqlite3_bind_blob(s, 2, d->script, (int)d->script_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, d->argv, (int)d->argv_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, d->env, (int)d->env_len, SQLITE_STATIC);
	bind_text(s, 5, d->command);
	bind_text(s, 6, d->submit_dir);
	bind_text(s, 7, d->submit_host);
	sqlite3_bind_int(s, 8, d->ntasks > 0 ? d->ntasks : 1);
	rc = sqlite3_step(s);
	sqlite3_clear_bindings(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "insert job data");
}

int db_job_update(struct db *db, const struct job_row *r)
{
	sqlite3_stmt *s = db->st[ST_UPDATE];
	sqlite3_bind_int64(s, bind_fields(s, r, JF_UPDATE), r->id);
	int rc = step(db, s, F_UPDATE);
	sqlite3_clear_bindings(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "update job");
}

static char *col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static void read_row(sqlite3_stmt *s, struct job_row *r)
{
	job_row_clear(r);
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (f->kind == JF_STR || f->kind == JF_LIST)
			jobfield_set_str(r, f, col_text(s, (int)k));
		else
			jobfield_set_int(r, f, sqlite3_column_int64(s, (int)k));
	}
}

int db_job_get(struct db *db, int64_t id, struct job_row *r)
{
	sqlite3_stmt *s = db->st[ST_GET];
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s), found = 0;
	if (rc == SQLITE_ROW) {
		read_row(s, r);
		found = 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "get job");
	return found;
}

static char *col_blob(sqlite3_stmt *s, int i, size_t *len)
{
	int n = sqlite3_column_bytes(s, i);
	const void *p = sqlite3_column_blob(s, i);
	char *c = xmalloc((size_t)n + 1);
	if (n > 0)
		memcpy(c, p, (size_t)n);
	c[n] = '\0';
	*len = (size_t)n;
	return c;
}

int db_job_get_data(struct db *db, int64_t id, struct job_data *d)
{
	sqlite3_stmt *s = db->st[ST_GET_DATA];
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		d->script = col_blob(s, 0, &d->script_len);
		d->argv = col_blob(s, 1, &d->argv_len);
		d->env = col_blob(s, 2, &d->env_len);
		d->command = col_text(s, 3);
		d->submit_dir = col_text(s, 4);
		d->submit_host = col_text(s, 5);
		d->ntasks = sqlite3_column_int(s, 6);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		snprintf(db->err, sizeof db->err, "job %lld has no stored script", (long long)id);
		return -1;
	}
	return 0;
}

static int each_row(struct db *db, sqlite3_stmt *s,
    int (*cb)(void *arg, const struct job_row *r), void *arg)
{
	struct job_row r;
	int rc;
	job_row_init(&r);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_row(s, &r);
		if (cb(arg, &r) != 0)
			break;
	}
	job_row_clear(&r);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "list jobs");
	return 0;
}

int db_jobs_active(struct db *db, int (*cb)(void *arg, const struct job_row *r), void *arg)
{
	return each_row(db, db->st[ST_ACTIVE], cb, arg);
}

int db_jobs_history(struct db *db, uint32_t uid, int limit,
    int (*cb)(void *arg, const struct job_row *r), void *arg)
{
	sqlite3_stmt *s = db->st[uid == (uint32_t)-1 ? ST_HISTORY : ST_HISTORY_UID];
	sqlite3_bind_int(s, 1, limit);
	if (uid != (uint32_t)-1)
		sqlite3_bind_int64(s, 2, uid);
	return each_row(db, s, cb, arg);
}

int db_array_task_get(struct db *db, int64_t array_id, uint32_t task, struct job_row *r)
{
	sqlite3_stmt *s = db->st[ST_TASK];
	sqlite3_bind_int64(s, 1, array_id);
	sqlite3_bind_int64(s, 2, task);
	int rc = sqlite3_step(s), found = 0;
	if (rc == SQLITE_ROW) {
		read_row(s, r);
		found = 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "get array task");
	return found;
}

int db_array_tasks(struct db *db, int64_t array_id,
    int (*cb)(void *arg, const struct job_row *r), void *arg)
{
	sqlite3_stmt *s = db->st[ST_TASKS];
	sqlite3_bind_int64(s, 1, array_id);
	return each_row(db, s, cb, arg);
}

int db_attempt_insert(struct db *db, const struct attempt_row *a)
{
	sqlite3_stmt *s = db->st[ST_ATTEMPT_PUT];
	sqlite3_bind_int64(s, 1, a->job_id);
	sqlite3_bind_int(s, 2, a->attempt);
	bind_text(s, 3, a->node);
	bind_text(s, 4, a->gpu_list);
	bind_opt_time(s, 5, a->start_time);
	bind_opt_time(s, 6, a->end_time);
	sqlite3_bind_int(s, 7, a->state);
	sqlite3_bind_int(s, 8, a->exit_code);
	bind_text(s, 9, a->reason);
	int rc = step(db, s, F_INSERT);
	sqlite3_clear_bindings(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "record attempt");
}

int db_attempts(struct db *db, int64_t job_id,
    int (*cb)(void *arg, const struct attempt_row *a), void *arg)
{
	sqlite3_stmt *s = db->st[ST_ATTEMPTS];
	int rc;
	sqlite3_bind_int64(s, 1, job_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct attempt_row a = {
			.job_id = sqlite3_column_int64(s, 0),
			.attempt = sqlite3_column_int(s, 1),
			.node = (char *)sqlite3_column_text(s, 2),
			.gpu_list = (char *)sqlite3_column_text(s, 3),
			.start_time = sqlite3_column_int64(s, 4),
			.end_time = sqlite3_column_int64(s, 5),
			.state = sqlite3_column_int(s, 6),
			.exit_code = sqlite3_column_int(s, 7),
			.reason = (char *)sqlite3_column_text(s, 8),
		};
		if (cb(arg, &a) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "list attempts");
	return 0;
}

int db_max_job_id(struct db *db, int64_t *out)
{
	sqlite3_stmt *s = db->st[ST_MAX_ID];
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : fail(db, "max job id");
}

int db_raise_id_floor(struct db *db, int64_t id)
{
	sqlite3_stmt *s = db->st[ST_RAISE_FLOOR];
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "raise id floor");
}

int db_instance(struct db *db, char *out, size_t size)
{
	sqlite3_stmt *s;
	int rc = -1;
	if (sqlite3_prepare_v2(db->h, "SELECT v FROM meta WHERE k='instance'", -1, &s, NULL) != SQLITE_OK)
		return fail(db, "instance");
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL) {
		strlcpy_h(out, (const char *)sqlite3_column_text(s, 0), size);
		rc = 0;
	} else
		fail(db, "instance");
	sqlite3_finalize(s);
	return rc;
}

int db_node_get_boot(struct db *db, const char *name, char *boot, size_t size)
{
	sqlite3_stmt *s = db->st[ST_NODE_GET];
	int found = 0;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != NULL) {
		strlcpy_h(boot, (const char *)sqlite3_column_text(s, 0), size);
		found = 1;
	}
	sqlite3_reset(s);
	return found;
}

int db_node_set_boot(struct db *db, const char *name, const char *boot)
{
	sqlite3_stmt *s = db->st[ST_NODE_SET];
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, boot, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "set node");
}

int db_node_drain(struct db *db, const char *name, const char *reason, int64_t when)
{
	sqlite3_stmt *s = db->st[ST_NODE_DRAIN];
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	bind_text(s, 2, reason);
	sqlite3_bind_int64(s, 3, when);
	int rc = step(db, s, F_UPDATE);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "drain node");
}

int db_node_resume(struct db *db, const char *name, int64_t when)
{
	sqlite3_stmt *s = db->st[ST_NODE_RESUME];
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, when);
	int rc = step(db, s, F_UPDATE);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "resume node");
}

int db_node_drains(struct db *db,
    int (*cb)(void *arg, const char *name, const char *reason, int64_t since), void *arg)
{
	sqlite3_stmt *s = db->st[ST_NODE_DRAINS];
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);
		if (name != NULL && cb(arg, name, (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int64(s, 2)) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "list drained nodes");
	return 0;
}

int db_usage_put(struct db *db, const char *user, const char *account, double usage,
    int64_t decayed_to)
{
	sqlite3_stmt *s = db->st[ST_USAGE_PUT];
	sqlite3_bind_text(s, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_double(s, 3, usage);
	sqlite3_bind_int64(s, 4, decayed_to);
	int rc = step(db, s, F_UPDATE);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "record usage");
}

int db_usage_each(struct db *db,
    int (*cb)(void *arg, const char *user, const char *account, double usage, int64_t at),
    void *arg)
{
	sqlite3_stmt *s = db->st[ST_USAGE_ALL];
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *u = (const char *)sqlite3_column_text(s, 0);
		const char *a = (const char *)sqlite3_column_text(s, 1);
		if (u != NULL && a != NULL &&
		    cb(arg, u, a, sqlite3_column_double(s, 2), sqlite3_column_int64(s, 3)) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "read usage");
	return 0;
}

int db_gpu_seconds_since(struct db *db, int64_t since,
    int (*cb)(void *arg, const char *user, const char *account, const char *qos, double gpu_s),
    void *arg)
{
	sqlite3_stmt *s = db->st[ST_GPU_SINCE];
	int rc;
	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(arg, (const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1), (const char *)sqlite3_column_text(s, 2),
		    sqlite3_column_double(s, 3)) != 0)
			break;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "read GPU-hours");
	return 0;
}

int db_user_register(struct db *db, uint32_t uid, const char *name, int64_t when)
{
	sqlite3_stmt *s = db->st[ST_USER_PUT];
	sqlite3_bind_int64(s, 1, uid);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, when);
	int rc = step(db, s, F_INSERT);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "register user");
}

int db_user_unregister(struct db *db, uint32_t uid)
{
	sqlite3_stmt *s = db->st[ST_USER_DEL];
	sqlite3_bind_int64(s, 1, uid);
	int rc = step(db, s, F_UPDATE);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "unregister user");
}

int db_user_registered(struct db *db, uint32_t uid)
{
	sqlite3_stmt *s = db->st[ST_USER_GET];
	sqlite3_bind_int64(s, 1, uid);
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail(db, "look up user");
}

int db_audit_insert(struct db *db, const struct audit_row *a)
{
	sqlite3_stmt *s = db->st[ST_AUDIT_PUT];
	sqlite3_bind_int64(s, 1, a->time);
	sqlite3_bind_int64(s, 2, a->actor_uid);
	bind_text(s, 3, a->actor);
	bind_text(s, 4, a->action);
	if (a->job_id > 0)
		sqlite3_bind_int64(s, 5, a->job_id);
	if (a->job_id > 0)
		sqlite3_bind_int64(s, 6, a->owner_uid);
	bind_text(s, 7, a->owner);
	bind_text(s, 8, a->detail);
	int rc = step(db, s, F_INSERT);
	sqlite3_clear_bindings(s);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "record audit");
}

int db_audit_list(struct db *db, int limit,
    int (*cb)(void *arg, const struct audit_row *a), void *arg)
{
	sqlite3_stmt *s = db->st[ST_AUDIT_LIST];
	int rc;
	sqlite3_bind_int(s, 1, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct audit_row a = {
			.id = sqlite3_column_int64(s, 0),
			.time = sqlite3_column_int64(s, 1),
			.actor_uid = (uint32_t)sqlite3_column_int64(s, 2),
			.actor = (char *)sqlite3_column_text(s, 3),
			.action = (char *)sqlite3_column_text(s, 4),
			.job_id = sqlite3_column_type(s, 5) == SQLITE_NULL ? 0 :
			    sqlite3_column_int64(s, 5),
			.owner_uid = (uint32_t)sqlite3_column_int64(s, 6),
			.owner = (char *)sqlite3_column_text(s, 7),
			.detail = (char *)sqlite3_column_text(s, 8),
		};
		if (cb(arg, &a) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "list audit");
	return 0;
}

void job_row_init(struct job_row *r)
{
	memset(r, 0, sizeof *r);
	r->exit_code = -1;
	r->array_job_id = -1;
	r->array_task_id = -1;
	r->requeue = 1;
	r->umask = -1;
	r->svc_last_exit = -1;
}

void job_row_clear(struct job_row *r)
{
	for (size_t k = 0; k < njobfields; k++)
		if (jobfields[k].kind == JF_STR || jobfields[k].kind == JF_LIST)
			jobfield_set_str(r, &jobfields[k], NULL);
	job_row_init(r);
}

void job_row_copy(struct job_row *to, const struct job_row *from)
{
	job_row_clear(to);
	*to = *from;
	for (size_t k = 0; k < njobfields; k++) {
		const struct jobfield *f = &jobfields[k];
		if (f->kind != JF_STR && f->kind != JF_LIST)
			continue;
		const char *v = jobfield_str(from, f);
		*(char **)((char *)to + f->off) = v != NULL ? xstrdup(v) : NULL;
	}
}

void job_data_clear(struct job_data *d)
{
	free(d->script);
	free(d->argv);
	free(d->env);
	free(d->command);
	free(d->submit_dir);
	free(d->submit_host);
	memset(d, 0, sizeof *d);
}

int db_period_each(struct db *db, int64_t from, int64_t to, int64_t now,
    int (*cb)(void *arg, const char *user, const char *account, double gpu_s, double cpu_s),
    void *arg)
{
	sqlite3_stmt *s = db->st[ST_PERIOD];
	int rc;
	sqlite3_bind_int64(s, 1, from);
	sqlite3_bind_int64(s, 2, to);
	sqlite3_bind_int64(s, 3, now);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *u = (const char *)sqlite3_column_text(s, 0);
		const char *a = (const char *)sqlite3_column_text(s, 1);
		if (cb(arg, u, a != NULL ? a : "", sqlite3_column_double(s, 2),
		    sqlite3_column_double(s, 3)) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "read usage in a period");
	return 0;
}

int db_job_note(struct db *db, int64_t id, int attempt, const char *node, const char *user,
    const char *note, const char *once)
{
	sqlite3_stmt *s = db->st[ST_REASON_NOTE];
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, attempt);
	sqlite3_bind_text(s, 3, node, -1, SQLITE_STATIC);
	if (user != NULL)
		sqlite3_bind_text(s, 4, user, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, note, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, once, -1, SQLITE_STATIC);
	int rc = step(db, s, F_UPDATE);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : fail(db, "note a job's reason");
}

int db_lab_users_read(const char *path, int (*cb)(void *arg, uint32_t uid, const char *name),
    void *arg, char *err, size_t errsz)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *s = NULL;
	int rc = -1, step_rc;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK || sqlite3_busy_timeout(h, 5000) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "SELECT uid,name FROM lab_users ORDER BY name", -1, &s,
	    NULL) != SQLITE_OK) {
		snprintf(err, errsz, "%s: %s", path, h ? sqlite3_errmsg(h) : "cannot open");
		goto out;
	}
	while ((step_rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 1);
		if (cb(arg, (uint32_t)sqlite3_column_int64(s, 0), name ? name : "") != 0)
			break;
	}
	if (step_rc != SQLITE_ROW && step_rc != SQLITE_DONE) {
		snprintf(err, errsz, "%s: %s", path, sqlite3_errmsg(h));
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_close(h);
	return rc;
}

/*
 * A node's kept state (db_node_kept_get/put) and its orphans: rare writes
 * (a drain, an outage), so each statement is prepared at its use rather
 * than kept; a write goes through step() so that fault points reach it.
 */
static sqlite3_stmt *prepare(struct db *db, const char *sql, const char *what)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK) {
		fail(db, what);
		return NULL;
	}
	return s;
}

/* A node's kept state (its own fault kind: "update" counts a job's changes). */
static int write_done(struct db *db, sqlite3_stmt *s, const char *what)
{
	int rc = step(db, s, F_NODE);
	int ok = rc == SQLITE_DONE ? 0 : fail(db, what);
	sqlite3_finalize(s);
	return ok;
}

static void col_copy(sqlite3_stmt *s, int i, char *out, size_t size)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	strlcpy_h(out, t != NULL ? (const char *)t : "", size);
}

int db_node_kept_get(struct db *db, const char *name, struct node_kept *k)
{
	sqlite3_stmt *s = prepare(db, "SELECT sick,sick_since,gpus_max,lost_since,lost_why"
	    " FROM nodes WHERE name=?1", "read node");
	int rc, found = 0;
	memset(k, 0, sizeof *k);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col_copy(s, 0, k->sick, sizeof k->sick);
		k->sick_since = sqlite3_column_int64(s, 1);
		k->gpus_max = sqlite3_column_int64(s, 2);
		k->lost_since = sqlite3_column_int64(s, 3);
		col_copy(s, 4, k->lost_why, sizeof k->lost_why);
		found = 1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "read node");
	return found;
}

int db_node_kept_put(struct db *db, const char *name, const struct node_kept *k)
{
	sqlite3_stmt *s = prepare(db, "INSERT INTO nodes(name,sick,sick_since,gpus_max,lost_since,"
	    "lost_why) VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(name) DO UPDATE SET"
	    " sick=excluded.sick, sick_since=excluded.sick_since, gpus_max=excluded.gpus_max,"
	    " lost_since=excluded.lost_since, lost_why=excluded.lost_why", "keep node");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	bind_text(s, 2, k->sick[0] != '\0' ? k->sick : NULL);
	bind_opt_time(s, 3, k->sick[0] != '\0' ? k->sick_since : 0);
	sqlite3_bind_int64(s, 4, k->gpus_max);
	bind_opt_time(s, 5, k->lost_since);
	bind_text(s, 6, k->lost_since != 0 ? k->lost_why : NULL);
	return write_done(db, s, "keep node");
}

int db_orphan_put(struct db *db, const char *node, const char *key, uint32_t uid,
    const char *user)
{
	sqlite3_stmt *s = prepare(db, "INSERT OR REPLACE INTO node_orphans(node,key,uid,user)"
	    " VALUES(?1,?2,?3,?4)", "keep orphan");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, uid);
	bind_text(s, 4, user);
	return write_done(db, s, "keep orphan");
}

int db_orphan_del(struct db *db, const char *node, const char *key)
{
	sqlite3_stmt *s = prepare(db, "DELETE FROM node_orphans WHERE node=?1 AND key=?2",
	    "forget orphan");
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	return write_done(db, s, "forget orphan");
}

int db_orphans(struct db *db, const char *node,
    int (*cb)(void *arg, const char *key, uint32_t uid, const char *user), void *arg)
{
	sqlite3_stmt *s = prepare(db, "SELECT key,uid,user FROM node_orphans WHERE node=?1"
	    " ORDER BY key", "list orphans");
	int rc;
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(s, 0);
		if (key != NULL && cb(arg, key, (uint32_t)sqlite3_column_int64(s, 1),
		    (const char *)sqlite3_column_text(s, 2)) != 0)
			break;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "list orphans");
	return 0;
}

int db_lab_ended_users(struct db *db, const char *node, int64_t from, int64_t to,
    int (*cb)(void *arg, uint32_t uid, const char *user), void *arg)
{
	/* Every attempt that ended there: the job's latest, or an earlier one. */
	sqlite3_stmt *s = prepare(db, "SELECT DISTINCT uid,user FROM jobs WHERE node=?1"
	    " AND end_time>?2 AND end_time<=?3 AND user IS NOT NULL"
	    " UNION SELECT j.uid,j.user FROM attempts a JOIN jobs j ON j.id=a.job_id"
	    " WHERE a.node=?1 AND a.end_time>?2 AND a.end_time<=?3 AND j.user IS NOT NULL"
	    " ORDER BY 1", "list users with ended jobs");
	int rc;
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, node, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, from);
	sqlite3_bind_int64(s, 3, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (cb(arg, (uint32_t)sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1)) != 0)
			break;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(db, "list users with ended jobs");
	return 0;
}
