// The bench's Debian peers: each is looked for, and when it is missing and the bench runs as root on a
// system with apt-get, installed with `apt-get install -y` (after an `apt-get update` if the first try
// fails). Otherwise the bench says what is missing and how to get it, and leaves that peer's figures out.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function commandFound(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

function pythonImports(module) {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 60_000 }).status === 0;
}

/** Every peer the bench may use: the Debian package that provides it and how to tell it is there. */
export const PEERS = {
  pngquant: { pkg: 'pngquant', found: () => commandFound('pngquant') },
  butteraugli: { pkg: 'butteraugli', found: () => commandFound('butteraugli') },
  numpy: { pkg: 'python3-numpy', found: () => pythonImports('numpy') },
  pil: { pkg: 'python3-pil', found: () => pythonImports('PIL') },
  sklearn: { pkg: 'python3-sklearn', found: () => pythonImports('sklearn') },
  skimage: { pkg: 'python3-skimage', found: () => pythonImports('skimage') },
  time: { pkg: 'time', found: () => existsSync('/usr/bin/time') },
  chromium: { pkg: 'chromium', found: () => existsSync(CHROMIUM) },
};

function aptGet(args, log) {
  log(`  apt-get ${args.join(' ')}`);
  const r = spawnSync('apt-get', args, {
    encoding: 'utf8',
    timeout: 1800_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const tail = `${r.stderr ?? ''}`.trim().split('\n').filter(Boolean).at(-1) ?? r.error?.message ?? '';
  return { ok: r.status === 0, tail };
}

/** Why apt-get cannot be used here, or undefined when it can. */
function cannotInstall() {
  if (process.env.KMQ_BENCH_NO_INSTALL) return 'KMQ_BENCH_NO_INSTALL is set';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not running as root';
  if (!commandFound('apt-get')) return 'no apt-get on this system';
  return undefined;
}

/**
 * Makes sure the named peers (keys of PEERS) are there, installing the missing ones when it can. Resolves to
 * { name: { ok: true, how: 'found' | 'installed' } | { ok: false, note } }; never throws.
 */
export function ensurePeers(names, { install = true, log = () => {} } = {}) {
  const status = {};
  const missing = [];
  for (const name of new Set(names)) {
    if (PEERS[name].found()) status[name] = { ok: true, how: 'found' };
    else missing.push(name);
  }
  if (!missing.length) return status;
  const packages = [...new Set(missing.map((name) => PEERS[name].pkg))];
  const why = install ? cannotInstall() : '--no-install';
  if (!why) {
    log(`installing the missing peers: ${packages.join(' ')}`);
    const installArgs = ['install', '-y', '--no-install-recommends', ...packages];
    let r = aptGet(installArgs, log);
    if (!r.ok) {
      aptGet(['update'], log);
      r = aptGet(installArgs, log);
    }
    if (!r.ok) log(`  apt-get install failed: ${r.tail}`);
  }
  for (const name of missing) {
    const { pkg } = PEERS[name];
    if (!why && PEERS[name].found()) status[name] = { ok: true, how: 'installed' };
    else {
      const hint = why ? `not installed (${why}: run \`apt-get install -y ${pkg}\` as root)` : `not installed: \`apt-get install -y ${pkg}\` failed`;
      status[name] = { ok: false, note: `${name}: ${hint}` };
    }
  }
  return status;
}
