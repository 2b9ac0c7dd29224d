'use strict';
/*
 * migcheck's resident Sequelize runner: one node process for a whole
 * roundtrip or drift run. It runs in the folder whose node_modules holds
 * the project's own 'sequelize' (migcheck starts it there), reads the
 * project's sequelize-cli configuration (.sequelizerc, its config file,
 * the environment's section) the way sequelize-cli does, connects to the
 * scratch database migcheck names and nowhere else, and answers requests.
 * It loads nothing but the project's packages: sequelize and what
 * sequelize itself needs (pg, sqlite3).
 *
 * The protocol (docs/runner-protocol.md): one JSON object per line.
 * Requests on stdin:
 *   {"op":"up","file":"/abs/path/20240101-x.js","name":"20240101-x.js"}
 *   {"op":"down","file":...,"name":...}
 *   {"op":"meta"}     the tracking table's rows, in order
 *   {"op":"close"}    close the connection (migcheck is about to drop and
 *                     recreate the scratch database), and the app's own
 *                     instances, forgetting its modules; the next request
 *                     opens a new one
 *   {"op":"sync","paths":["/abs/models", ...]}
 *                     define the models of these files and folders on
 *                     this connection and sync() them: the models' schema
 *                     in the scratch database; the answer's rows are the
 *                     models' names
 *   {"op":"describe","paths":[...],"files":{"/abs/m.js":"text"|null}}
 *                     the models' schema described, one row a model,
 *                     with these files as they are at another revision
 *                     (null: absent there); no database is opened
 * Answers on stdout, one per request, after a first line
 *   {"ready":true,"sequelize":"6.37.1","dialect":"postgres",
 *    "config":"config/config.js","env":"development"}
 * or {"ready":false,"error":"...","fix":"..."} and exit status 3 when the
 * runner cannot start (no sequelize package, no configuration).
 *   {"ok":true}  {"ok":true,"rows":["a.js","b.js"]}
 *   {"ok":false,"error":"the first line of the message","detail":"stack"}
 *   {"ok":false,"fatal":true,"error":...}: the runner itself failed (cannot
 *     connect); migcheck stops with an environment error
 * Whatever migrations, sequelize or models print on stdout goes to
 * stderr, which migcheck keeps as the failing migration's output.
 *
 * Environment: MIGCHECK_DATABASE_URL, the scratch database (a sqlite://
 * URL is SQLite, its file MIGCHECK_SQLITE_PATH); NODE_ENV picks the
 * configuration's section as sequelize-cli does (default development).
 */
const path = require('path');
const fs = require('fs');
const readline = require('readline');

const protoWrite = process.stdout.write.bind(process.stdout);
/* everything else printed on stdout goes to stderr */
process.stdout.write = function (chunk, encoding, cb) {
	return process.stderr.write(chunk, encoding, cb);
};

function send(obj) {
	protoWrite(JSON.stringify(obj) + '\n');
}

const appdir = process.cwd();

function fail(error, fix) {
	send({ ready: false, error: error, fix: fix });
	process.exitCode = 3;
	/* let stdout drain before leaving */
	setImmediate(() => process.exit(3));
}

function requireFromApp(name) {
	const where = require.resolve(name, { paths: [appdir] });
	return require(where);
}

function firstLine(s) {
	s = String(s === undefined || s === null ? '' : s);
	const i = s.indexOf('\n');
	return i < 0 ? s : s.slice(0, i);
}

function errorText(e) {
	if (e && e.parent && e.parent.message && !(e.message || '').includes(e.parent.message))
		return (e.message ? e.message + ': ' : '') + e.parent.message;
	return e && e.message ? e.message : String(e);
}

/* the stack's frames in the project's own files (not node's, not its
 * packages', not ours) */
function stackOfProject(e) {
	if (!e || !e.stack)
		return String(e);
	return String(e.stack).split('\n').filter((l, i) => i === 0 ||
		(l.includes('/') && !l.includes('/node_modules/') && !l.includes(__filename) &&
		 !l.includes('node:internal'))).join('\n');
}

function isPlainObject(o) {
	return o && typeof o === 'object' && !Array.isArray(o);
}

async function main() {
	let Sequelize;
	try {
		Sequelize = requireFromApp('sequelize');
	} catch (e) {
		return fail("cannot load the package 'sequelize' from " + appdir + ': ' + firstLine(e.message),
		            "run 'npm install' in " + appdir + ' (its node_modules must hold sequelize)');
	}
	if (Sequelize && Sequelize.Sequelize)
		Sequelize = Sequelize.Sequelize;
	/* the app's own instances (a migration's require('../models') opens
	 * one): at 'close' they go too, or they would keep the dropped
	 * database (SQLite: the removed file) after migcheck recreates it */
	const appInstances = [];
	if (typeof Sequelize.addHook === 'function')
		Sequelize.addHook('afterInit', 'migcheck', (s) => { appInstances.push(s); });

	/* .sequelizerc, as sequelize-cli reads it */
	let rc = {};
	const rcPath = path.join(appdir, '.sequelizerc');
	if (fs.existsSync(rcPath)) {
		try {
			rc = require(rcPath) || {};
		} catch (e) {
			return fail('cannot read ' + rcPath + ': ' + firstLine(e.message),
			            'fix .sequelizerc so that node can load it');
		}
	}
	let configPath;
	if (rc.config) {
		configPath = path.resolve(appdir, rc.config);
	} else {
		const json = path.join(appdir, 'config', 'config.json');
		const js = path.join(appdir, 'config', 'config.js');
		configPath = fs.existsSync(js) ? js : json;
	}
	if (!fs.existsSync(configPath))
		return fail('sequelize-cli configuration not found: ' + path.relative(appdir, configPath) + ' in ' + appdir,
		            "create it, or name it with 'config' in " + rcPath);
	const env = process.env.NODE_ENV || 'development';
	let config;
	try {
		config = require(configPath);
		if (config && config.__esModule && config.default)
			config = config.default;
		if (typeof config === 'function')
			config = await config();
	} catch (e) {
		return fail('cannot read ' + configPath + ': ' + firstLine(e.message),
		            'fix the configuration so that node can load it (a variable it reads may be missing: set it with runner.env)');
	}
	if (isPlainObject(config) && isPlainObject(config[env]))
		config = config[env];
	else if (!isPlainObject(config))
		config = {};

	const url = process.env.MIGCHECK_DATABASE_URL || '';
	const dialect = url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
	/* the configuration's options, never its connection: the scratch
	 * database is the only one we touch */
	const options = Object.assign({}, config);
	for (const k of ['database', 'username', 'password', 'host', 'port', 'url',
	                 'use_env_variable', 'replication', 'storage', 'dialect',
	                 'dialectModule', 'dialectModulePath', 'native', 'ssl'])
		delete options[k];
	if (isPlainObject(options.dialectOptions)) {
		options.dialectOptions = Object.assign({}, options.dialectOptions);
		delete options.dialectOptions.ssl;
	} else {
		delete options.dialectOptions;
	}
	options.dialect = dialect;
	options.logging = false;
	if (dialect === 'sqlite')
		options.storage = process.env.MIGCHECK_SQLITE_PATH || url.replace(/^sqlite:\/\//, '');

	const metaTable = config.migrationStorageTableName || 'SequelizeMeta';
	const metaSchema = config.migrationStorageTableSchema;
	const useMeta = !config.migrationStorage || config.migrationStorage === 'sequelize';

	let sequelize = null, Meta = null, metaReady = false;
	async function open() {
		if (sequelize)
			return;
		metaReady = false;
		const s = dialect === 'sqlite'
			? new Sequelize(options)
			: new Sequelize(url, options);
		try {
			await s.authenticate();
			if (metaSchema && metaSchema !== 'public' && dialect === 'postgres')
				await s.createSchema(metaSchema);
		} catch (e) {
			const err = new Error('cannot connect to the scratch database: ' + errorText(e));
			err.fatal = true;
			try { await s.close(); } catch (e2) { /* already failed */ }
			throw err;
		}
		sequelize = s;
		if (useMeta)
			Meta = sequelize.define('SequelizeMeta', {
				name: { type: Sequelize.STRING, allowNull: false, unique: true,
				        primaryKey: true, autoIncrement: false },
			}, { tableName: metaTable, schema: metaSchema, timestamps: false,
			     charset: 'utf8', collate: 'utf8_unicode_ci' });
	}

	async function run(op, file, name) {
		await open();
		let mod = require(file);
		let fun = mod[op];
		if (mod.default)
			fun = mod.default[op] || mod[op];
		if (typeof fun !== 'function')
			throw new Error('Could not find migration method: ' + op);
		const result = fun.apply(mod, [sequelize.getQueryInterface(), Sequelize]);
		if (!result || typeof result.then !== 'function')
			throw new Error('Migration ' + name + " (or wrapper) didn't return a promise");
		await result;
		if (Meta)
			await withMeta(() => op === 'up'
				? Meta.create({ name: name })
				: Meta.destroy({ where: { name: name } }));
	}

	/* fn on SequelizeMeta: sequelize-cli syncs the table before every
	 * write; once per connection is enough (three catalog queries a step
	 * less), and again if fn fails, in case a migration dropped it */
	async function withMeta(fn) {
		if (!metaReady) {
			await Meta.sync();
			metaReady = true;
			return fn();
		}
		try {
			return await fn();
		} catch (e) {
			await Meta.sync();
			return fn();
		}
	}

	/* ---- the models' schema ---- */

	/* a file that defines Sequelize models, as migcheck's own test
	 * (mc_migration_defines_models) reads one */
	function definesModels(text) {
		return /\.define\s*\(|\.init\s*\(|extends\s+(Sequelize\.)?Model\b|@Table\b/.test(text);
	}

	function modelFiles(paths) {
		const out = [];
		function walk(p, top) {
			let st;
			try {
				st = fs.statSync(p);
			} catch (e) {
				return;
			}
			if (st.isDirectory()) {
				const base = path.basename(p);
				if (!top && (base === 'node_modules' || base.startsWith('.')))
					return;
				for (const e of fs.readdirSync(p).sort())
					walk(path.join(p, e), false);
			} else if (st.isFile() && /\.(c?js)$/.test(p) &&
			           !/\.(test|spec)\.c?js$/.test(p)) {
				out.push(p);
			}
		}
		for (const p of paths)
			walk(p, true);
		return out;
	}

	function isModelClass(c) {
		return typeof c === 'function' &&
			(c.prototype instanceof Sequelize.Model ||
			 (typeof c.getTableName === 'function' && c.rawAttributes !== undefined));
	}

	/* a model defined on another Sequelize instance (the app's own),
	 * defined again on ours */
	function defineAgain(seq, m) {
		const attrs = {};
		const raw = typeof m.getAttributes === 'function' ? m.getAttributes() : m.rawAttributes;
		for (const [k, a] of Object.entries(raw || {})) {
			const c = Object.assign({}, a);
			delete c.Model;
			delete c.fieldName;
			delete c._modelAttribute;
			if (c.references && typeof c.references.model === 'function')
				c.references = Object.assign({}, c.references,
					{ model: c.references.model.getTableName() });
			attrs[k] = c;
		}
		const o = m.options || {};
		const opts = {};
		for (const k of ['schema', 'timestamps', 'paranoid', 'underscored', 'createdAt',
		                 'updatedAt', 'deletedAt', 'indexes', 'charset', 'collate', 'engine'])
			if (o[k] !== undefined)
				opts[k] = o[k];
		opts.tableName = typeof m.getTableName === 'function'
			? (m.getTableName().tableName || m.getTableName()) : m.tableName;
		opts.freezeTableName = true;
		return seq.define(m.name, attrs, opts);
	}

	/* Define on seq the models of these files and folders; overlay maps
	 * an absolute path to the text it has at another revision (null: it
	 * is not there). @return the models' names */
	function loadModels(seq, paths, overlay) {
		const names = [];
		const aliases = new Map();
		const norm = (k) => String(k).toLowerCase().replace(/[^a-z0-9]/g, '');
		const files = modelFiles(paths).filter((f) => !overlay || overlay.get(f) !== null);
		if (overlay)
			for (const [f, t] of overlay)
				if (t !== null && !files.includes(f) && /\.(c?js)$/.test(f))
					files.push(f);
		for (const f of files) {
			let text;
			try {
				text = overlay && overlay.has(f) ? overlay.get(f) : fs.readFileSync(f, 'utf8');
			} catch (e) {
				continue;
			}
			if (!definesModels(text))
				continue;
			let exp;
			try {
				exp = require(f);
			} catch (e) {
				const err = new Error('cannot load ' + path.relative(appdir, f) + ': ' + firstLine(errorText(e)));
				err.stack = e.stack;
				throw err;
			}
			if (exp && exp.__esModule && exp.default)
				exp = exp.default;
			const found = [];
			if (isModelClass(exp)) {
				found.push(exp);
			} else if (typeof exp === 'function') {
				/* the sequelize-cli shape: (sequelize, DataTypes) => model */
				let m;
				try {
					m = exp(seq, Sequelize.DataTypes || Sequelize);
				} catch (e) {
					const err = new Error('cannot define the models of ' + path.relative(appdir, f) + ': ' + firstLine(errorText(e)));
					err.stack = e.stack;
					throw err;
				}
				if (isModelClass(m))
					found.push(m);
			} else if (exp && typeof exp === 'object') {
				for (const v of Object.values(exp))
					if (isModelClass(v))
						found.push(v);
			}
			for (const m of found) {
				const mine = m.sequelize === seq ? m : defineAgain(seq, m);
				if (!names.includes(mine.name))
					names.push(mine.name);
				aliases.set(norm(mine.name), mine);
				aliases.set(norm(path.basename(f).replace(/\.c?js$/, '')), mine);
			}
		}
		if (!names.length) {
			const err = new Error('no Sequelize models found in ' +
				paths.map((p) => path.relative(appdir, p) || '.').join(', '));
			throw err;
		}
		/* as models/index.js does: each model's associate(), with its
		 * models by their names and by the names an index.js may give
		 * them (models.DeviceFeature for device_feature.js's
		 * 't_device_feature') */
		const models = new Proxy(seq.models, {
			get(target, key) {
				if (typeof key !== 'string' || key in target)
					return target[key];
				return aliases.get(norm(key));
			},
		});
		for (const m of Object.values(seq.models))
			if (typeof m.associate === 'function')
				m.associate(models);
		return names;
	}

	async function syncModels(paths) {
		await open();
		paths = paths.map((p) => path.resolve(p));
		const names = loadModels(sequelize, paths, null);
		await sequelize.sync();
		return names;
	}

	/* what a model says about the schema, as one line of text */
	function describeValue(v) {
		if (v === undefined)
			return undefined;
		if (v === null || typeof v !== 'object')
			return typeof v === 'function' ? 'function' : v;
		const name = v.constructor && v.constructor.name;
		if (v.key)
			return name + ':' + v.key;
		if (v.val !== undefined)
			return name + ':' + String(v.val);
		if (v.fn !== undefined)
			return name + ':' + v.fn;
		try {
			return JSON.stringify(v);
		} catch (e) {
			return name || 'object';
		}
	}

	function describeType(t) {
		if (!t)
			return '';
		let s;
		try {
			s = typeof t === 'function' ? t.key : t.toString({ dialect: dialect });
		} catch (e) {
			s = t.key || String(t);
		}
		if (t.values)
			s += '(' + t.values.join(',') + ')';
		return s;
	}

	function describeModel(m) {
		const raw = typeof m.getAttributes === 'function' ? m.getAttributes() : m.rawAttributes;
		const attrs = Object.keys(raw || {}).sort().map((k) => {
			const a = raw[k];
			const r = a.references;
			return [a.field || k, describeType(a.type), a.allowNull === false || !!a.primaryKey,
			        describeValue(a.defaultValue), !!a.primaryKey, describeValue(a.unique),
			        !!a.autoIncrement,
			        r ? [typeof r.model === 'object' ? describeValue(r.model) : String(r.model), r.key] : null];
		});
		const t = m.getTableName();
		return (typeof t === 'string' ? t : describeValue(t)) + '\t' +
			JSON.stringify([attrs, describeValue((m.options || {}).indexes)]);
	}

	/* The models' schema, described, at the revision the overlay gives;
	 * no database is opened. */
	function describeModels(paths, files) {
		const Module = require('module');
		paths = paths.map((p) => path.resolve(p));
		const overlay = new Map(Object.entries(files || {}).map(([k, v]) => [path.resolve(k), v]));
		const inRoots = (f) => paths.some((p) => f === p || f.startsWith(p + path.sep));
		const forget = () => {
			for (const k of Object.keys(require.cache))
				if (inRoots(k) || overlay.has(k))
					delete require.cache[k];
		};
		const ext = Module._extensions['.js'];
		Module._extensions['.js'] = function (module, filename) {
			if (overlay.has(filename) && overlay.get(filename) !== null)
				return module._compile(overlay.get(filename), filename);
			return ext(module, filename);
		};
		forget();
		try {
			const o = Object.assign({}, options);
			if (dialect === 'sqlite')
				o.storage = ':memory:';
			const seq = dialect === 'sqlite'
				? new Sequelize(o)
				: new Sequelize('postgres://127.0.0.1:1/migcheck_describe', o);
			loadModels(seq, paths, overlay);
			return Object.values(seq.models)
				.filter((m) => m.name !== 'SequelizeMeta')
				.map(describeModel).sort();
		} finally {
			Module._extensions['.js'] = ext;
			forget();
		}
	}

	/* close the app's instances and forget its modules (not node_modules):
	 * the next require('../models') connects to the new database */
	async function forgetApp() {
		for (const s of appInstances.splice(0)) {
			try { await s.close(); } catch (e) { /* closed already */ }
		}
		const nm = path.sep + 'node_modules' + path.sep;
		for (const k of Object.keys(require.cache))
			if (k.startsWith(appdir + path.sep) && !k.includes(nm))
				delete require.cache[k];
	}

	async function handle(req) {
		switch (req.op) {
		case 'up':
		case 'down':
			await run(req.op, req.file, req.name);
			return { ok: true };
		case 'meta': {
			await open();
			if (!Meta)
				return { ok: true, rows: [] };
			const rows = await withMeta(() => Meta.findAll({ order: [['name', 'ASC']], raw: true }));
			return { ok: true, rows: rows.map((r) => r.name) };
		}
		case 'sync':
			if (!Array.isArray(req.paths))
				throw new Error('sync needs paths');
			return { ok: true, rows: await syncModels(req.paths) };
		case 'describe':
			if (!Array.isArray(req.paths))
				throw new Error('describe needs paths');
			return { ok: true, rows: describeModels(req.paths, req.files) };
		case 'close':
			if (sequelize) {
				const s = sequelize;
				sequelize = null;
				Meta = null;
				await s.close();
			}
			await forgetApp();
			return { ok: true };
		default:
			throw new Error('unknown request ' + JSON.stringify(req.op));
		}
	}

	const version = (() => {
		try {
			return requireFromApp('sequelize/package.json').version;
		} catch (e) {
			return Sequelize.version || 'unknown';
		}
	})();
	send({ ready: true, sequelize: version, dialect: dialect,
	       config: path.relative(appdir, configPath), env: env });

	/* one request at a time, in order */
	const lines = readline.createInterface({ input: process.stdin, terminal: false });
	let queue = Promise.resolve();
	lines.on('line', (line) => {
		queue = queue.then(async () => {
			let req;
			try {
				req = JSON.parse(line);
			} catch (e) {
				send({ ok: false, fatal: true, error: 'bad request: ' + firstLine(e.message) });
				return;
			}
			try {
				send(await handle(req));
			} catch (e) {
				send({ ok: false, fatal: !!e.fatal, error: firstLine(errorText(e)),
				       detail: stackOfProject(e) });
			}
		});
	});
	lines.on('close', () => {
		queue.then(async () => {
			if (sequelize)
				try { await sequelize.close(); } catch (e) { /* leaving */ }
			process.exit(0);
		});
	});
}

process.on('unhandledRejection', (e) => {
	process.stderr.write('unhandled rejection: ' + (e && e.stack ? e.stack : String(e)) + '\n');
});

main().catch((e) => fail('the runner failed: ' + firstLine(errorText(e)), 'report this to migcheck'));
