/**
 * What the benchmark ran on, named honestly: the CPU (lscpu's model name and its SIMD extensions), the cores,
 * the load while it ran, the date, and the versions of Node and of the peers (NumPy, SciPy and their BLAS;
 * PyTorch), and the peers' environment (OpenBLAS left to choose its own kernels).
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  simd: string;
  cores: number;
  memoryGiB: number;
  date: string;
  node: string;
  v8: string;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env }).trim();
  } catch {
    return undefined;
  }
}

/** The SIMD extensions among lscpu's flags that matter to the kernels and to the peers' BLAS. */
function simdSummary(flags: string[]): string {
  const has = (f: string) => flags.includes(f);
  const parts: string[] = [];
  if (has('sse4_2')) parts.push('SSE4.2');
  if (has('avx2')) parts.push('AVX2');
  if (has('fma')) parts.push('FMA');
  const avx512 = ['avx512f', 'avx512vl', 'avx512bw', 'avx512dq', 'avx512_bf16', 'avx512_vnni'].filter(has).map((f) => f.replace('avx512', '').replace(/^_/, '').toUpperCase());
  if (avx512.length > 0) parts.push(`AVX-512 (${avx512.join(', ')})`);
  if (has('amx_tile')) parts.push('AMX');
  if (has('asimd')) parts.push('NEON');
  if (has('sve')) parts.push('SVE');
  return parts.join(', ') || 'none listed';
}

export function machine(): Machine {
  const lscpu = run('lscpu', []) ?? '';
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(lscpu)?.[1]?.trim();
  return {
    cpu: field('Model name') ?? cpus()[0]?.model ?? 'unknown CPU',
    simd: simdSummary((field('Flags') ?? '').split(/\s+/)),
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    node: process.version,
    v8: process.versions.v8,
  };
}

/** The 1-minute load average, for the record (a loaded machine makes every time longer). */
export function load(): number {
  return loadavg()[0];
}

/**
 * The peers' environment: this one without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, so that OpenBLAS picks the
 * kernels it would pick for this CPU (a user's NumPy does); the variables removed are named in the report.
 */
export function peerEnv(): { env: NodeJS.ProcessEnv; removed: string[] } {
  const env = { ...process.env };
  const removed: string[] = [];
  for (const k of ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']) {
    if (env[k] !== undefined) {
      removed.push(`${k}=${env[k]}`);
      delete env[k];
    }
  }
  return { env, removed };
}

export interface Peers {
  /** python3 on PATH with NumPy and SciPy: versions, or undefined */
  numpy?: { numpy: string; scipy: string; python: string; blas: string };
  /** Debian's /usr/bin/python3 with PyTorch: its version and the BLAS its libblas.so.3 resolves to, or undefined */
  torch?: string;
  torchBlas?: string;
}

export function peers(numpyScript: string, env: NodeJS.ProcessEnv): Peers {
  const out: Peers = {};
  const v = run('python3', [numpyScript, 'versions'], env);
  if (v !== undefined) out.numpy = JSON.parse(v) as Peers['numpy'];
  const t = run('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)'], env);
  if (t !== undefined && t !== '') {
    out.torch = t;
    // Debian's torch calls the system's libblas.so.3: the reference BLAS unless OpenBLAS is installed
    // (apt-get install libopenblas0-pthread), which makes PyTorch on the CPU several times faster
    const lib = run('readlink', ['-f', '/usr/lib/x86_64-linux-gnu/libblas.so.3']) ?? run('readlink', ['-f', '/usr/lib/aarch64-linux-gnu/libblas.so.3']);
    out.torchBlas = lib === undefined ? 'unknown' : /openblas/.test(lib) ? 'OpenBLAS' : /blis/.test(lib) ? 'BLIS' : /mkl/.test(lib) ? 'MKL' : 'the reference BLAS (install libopenblas0-pthread for its best)';
  }
  return out;
}
