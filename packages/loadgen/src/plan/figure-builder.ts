import type { Assumptions, FigureKey, Scenario } from './scenario-types.js';
import type { Figure } from './types.js';
import { formatBytes, scaleBytes, toBase, type ByteSystem } from './units.js';

/** How a figure is printed: a plain quantity with its unit, or bytes (per second) in a unit system. */
export type Format = { unit: string } | { bytes: ByteSystem; perSecond?: boolean };

/** What a figure rests on: figures computed before it, and assumptions. */
export interface Deps {
  from?: FigureKey[];
  uses?: (keyof Assumptions)[];
}

interface Known {
  /** In base units: a count, a rate per second, a ratio, or bytes (per second). */
  base: number;
  /** Every assumption it rests on, through the figures it was derived from. */
  rests: Set<keyof Assumptions>;
  derived: boolean;
}

/**
 * Builds a plan's figures in order. A figure the note states is taken from the note unless an
 * override it rests on changed (then the stated value no longer describes this plan); a figure
 * the note leaves out is derived from the assumptions and the figures before it, stated or not.
 * With `preferStated` false it derives everything it can: what the note's assumptions alone give.
 */
export class FigureBuilder {
  readonly figures: Figure[] = [];
  private readonly known = new Map<FigureKey, Known>();

  constructor(
    private readonly s: Scenario,
    private readonly a: Assumptions,
    private readonly overridden: ReadonlySet<keyof Assumptions>,
    private readonly preferStated: boolean,
  ) {}

  /** The value a figure was given, in base units; undefined when the plan has no such figure. */
  value(key: FigureKey): number | undefined {
    return this.known.get(key)?.base;
  }

  /** Assumptions that some derived figure rests on: an override outside them changes nothing. */
  consumed(): Set<keyof Assumptions> {
    const out = new Set<keyof Assumptions>();
    for (const k of this.known.values()) if (k.derived) for (const r of k.rests) out.add(r);
    return out;
  }

  /**
   * Adds a figure: the note's when it states one that still applies, else `derived` (undefined
   * when its inputs are missing: then the note's figure if it has one, else no figure at all).
   */
  add(
    key: FigureKey,
    name: string,
    format: Format,
    deps: Deps,
    derived: { value: number; how: string } | undefined,
  ): number | undefined {
    const rests = new Set<keyof Assumptions>();
    for (const k of deps.uses ?? []) if (this.a[k] !== undefined) rests.add(k);
    for (const k of deps.from ?? []) for (const r of this.known.get(k)?.rests ?? []) rests.add(r);
    const stated = this.s.stated[key];
    const changed = [...rests].filter((r) => this.overridden.has(r));
    const useStated = stated !== undefined && (derived === undefined || (this.preferStated && changed.length === 0));
    if (!useStated && derived === undefined) return undefined;
    const base = useStated ? stated.value : derived!.value;
    // A stated figure the assumptions cannot derive is a given: no assumption, overridden or not, moves it.
    this.known.set(key, { base, rests: derived === undefined ? new Set() : rests, derived: !useStated });

    const { value, unit } = display(base, format);
    const how = derived === undefined ? 'not derivable from the assumptions' : derived.how;
    const derivation =
      'bytes' in format && derived !== undefined ? `${how} = ${formatDisplay(derived.value, format)}` : how;
    let source: string;
    if (useStated) source = `stated ("${this.s.source}", line ${stated.line})`;
    else if (stated !== undefined) {
      source = `derived (${derivation}; the note's figure, line ${stated.line}, assumed its own ${changed.join(', ')})`;
    } else source = `derived (${derivation})`;
    this.figures.push({
      key,
      name,
      value,
      unit,
      basis: useStated ? 'stated' : 'derived',
      source,
      derivation,
      ...(stated !== undefined ? { stated: { text: stated.text, line: stated.line } } : {}),
    });
    return base;
  }
}

function display(base: number, format: Format): { value: number; unit: string } {
  if ('unit' in format) return { value: base, unit: format.unit };
  const { value, unit } = scaleBytes(base, format.bytes);
  return { value, unit: format.perSecond === true ? `${unit}/s` : unit };
}

function formatDisplay(base: number, format: Format): string {
  if ('unit' in format) return String(base);
  return `${formatBytes(base, format.bytes)}${format.perSecond === true ? '/s' : ''}`;
}

/** `base` (base units) in the unit a figure is printed in. */
export function inUnit(base: number, unit: string): number {
  return base / toBase(1, unit);
}
