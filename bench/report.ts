/**
 * Reporting: the stdout table (ours, the reference, the ratio, memory) and the JSON document.
 * @module
 */
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { OPERATIONS, OPERATION_LABEL, type BenchConfig, type Operation } from './configs.js';
import type { MemoryResult, Throughput } from './protocol.js';

export interface ConfigResult {
  config: BenchConfig;
  source: string;
  throughput: Record<Operation, Throughput | undefined>;
  memory: MemoryResult | undefined;
}

export interface MachineInfo {
  node: string;
  v8: string;
  cpu: string;
  cores: number;
  platform: string;
}

export function machineInfo(): MachineInfo {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1]!.trim();
  } catch {
    // not Linux
  }
  return { node: process.version, v8: process.versions.v8, cpu, cores: cpus().length, platform: `${process.platform} ${process.arch}` };
}

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number): string => (bytes / 1e6).toFixed(2) + ' MB';
const ratio = (ours: number, ref: number): string => (ours / ref).toFixed(2) + 'x';

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, j) => Math.max(...cells.map((row) => row[j]!.length)));
  return cells
    .map((row) => row.map((c, j) => (j < 2 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '))
    .join('\n');
}

/** The human-readable report. */
export function formatTable(results: ConfigResult[], machine: MachineInfo): string {
  const lines: string[] = [];
  lines.push(`node ${machine.node} (V8 ${machine.v8}), ${machine.cores} cores, ${machine.cpu}`);
  lines.push(`points/s, median of ${results[0]?.throughput.process?.runs.length ?? results[0]?.throughput.update?.runs.length ?? 0} runs [min - max]; ratio = ours / reference median`);
  lines.push('');
  const rows: string[][] = [['config', 'operation', 'ours (median)', '[min - max]', 'reference', 'ratio']];
  for (const r of results) {
    for (const op of OPERATIONS) {
      const t = r.throughput[op];
      if (!t) continue;
      rows.push([
        r.config.name,
        OPERATION_LABEL[op],
        int(t.median),
        `[${int(t.min)} - ${int(t.max)}]`,
        int(r.config.reference[op]),
        ratio(t.median, r.config.reference[op]),
      ]);
    }
  }
  lines.push(pad(rows));
  const mem = results.filter((r) => r.memory);
  if (mem.length > 0) {
    lines.push('');
    const m: string[][] = [['config', 'inputs', 'heap after build', 'heap after warm-up', 'typed arrays', 'reference heap', 'ratio']];
    for (const r of mem) {
      const x = r.memory!;
      m.push([r.config.name, r.config.description, mb(x.afterBuild), mb(x.afterWarmup), mb(x.byteLength), mb(r.config.referenceHeap), ratio(x.afterWarmup, r.config.referenceHeap)]);
    }
    lines.push(pad(m));
  }
  lines.push('');
  for (const r of results) lines.push(`input ${r.config.name}: ${r.source}`);
  return lines.join('\n');
}

/** The machine-readable report. */
export function toJson(results: ConfigResult[], machine: MachineInfo): unknown {
  return {
    machine,
    results: results.map((r) => ({
      config: r.config.name,
      description: r.config.description,
      options: r.config.options,
      source: r.source,
      throughput: Object.fromEntries(
        OPERATIONS.filter((op) => r.throughput[op]).map((op) => [
          op,
          { ...r.throughput[op]!, reference: r.config.reference[op], ratio: r.throughput[op]!.median / r.config.reference[op] },
        ]),
      ),
      memory: r.memory ? { ...r.memory, referenceHeap: r.config.referenceHeap } : undefined,
    })),
  };
}
