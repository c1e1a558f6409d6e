// The API reference (`pnpm run docs`, TypeDoc with typedoc.json) builds without a warning, every
// public symbol of the documented packages carries a summary and an @example, so do the members of
// public classes (properties a summary), interface methods a summary, and every declaration a public
// type refers to is in the reference too.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel, Logger, normalizePath, ReflectionKind, TSConfigReader, TypeDocReader, type Comment, type DeclarationReflection } from 'typedoc';
import { describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('../../typedoc.json', import.meta.url));

/** Keeps every warning and error TypeDoc reports, instead of printing them. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    if (level >= LogLevel.Warn) this.messages.push(`${LogLevel[level]}: ${message}`);
  }
}

/** Every entry point of the documented packages: one module each. */
const MODULES = [
  '@carejourney/core',
  '@carejourney/core/testing',
  '@carejourney/plugin-reminders',
  '@carejourney/plugin-reminders/sqlite',
  '@carejourney/plugin-screening',
  '@carejourney/store-postgres',
  '@carejourney/store-sqlite',
];

/**
 * Declarations of the packages that public types refer to but that are not exported, each with
 * why: helpers that compute a type readers only see the result of, and local aliases inside the
 * inferred types of values. Anything else a public type refers to must be exported (and so
 * documented). Keyed `name (in the public symbol that refers to it)`.
 */
const NOT_EXPORTED = new Set([
  // Type-level helpers of the `*From<typeof definition>` types: they compute the result a reader uses.
  'StatePaths (in JourneyStatePathFrom)',
  'TypedEffects (in JourneyEffectFrom)',
  'WithoutIndex (in JourneyEventFrom)',
  // Local aliases inside the types XState and TypeScript infer for the machine and its rules.
  'Emitted (in ketamineAnxietyJourney)',
  'Emitted (in ketamineAnxietyMachine)',
  'Ev (in ketamineJourneyRules)',
  'AnyEv (in ketamineJourneyRules)',
]);

type Json = { readonly [key: string]: unknown };
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/**
 * References from one public symbol's serialized reflection to declarations of `@carejourney/*`
 * packages that are not in the documentation. TypeDoc's own `notExported` check does not see them:
 * it treats every package but the workspace root as external. Type parameters, including `infer`
 * and mapped-type parameters, are not declarations and are skipped.
 */
function unexportedReferences(symbol: Json): string[] {
  const local = new Set<string>();
  const references: Json[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (!isObject(value)) return;
    if (value['type'] === 'inferred' && typeof value['name'] === 'string') local.add(value['name']);
    if (value['type'] === 'mapped' && typeof value['parameter'] === 'string') local.add(value['parameter']);
    if (value['variant'] === 'typeParam' && typeof value['name'] === 'string') local.add(value['name']);
    if (value['type'] === 'reference' && isObject(value['target']) && String(value['package'] ?? '').startsWith('@carejourney/') && value['refersToTypeParameter'] !== true) {
      references.push(value);
    }
    Object.values(value).forEach(walk);
  };
  walk(symbol);
  return references.map((r) => String(r['name'])).filter((name) => !local.has(name));
}

/**
 * What a member of a public class or interface lacks, or null. Class constructors, methods and
 * accessors need a summary and an @example, class properties a summary; interface methods (and
 * properties holding a function) a summary. Other interface properties are documented where they
 * need words (typedoc.json). Inherited members are checked where they are declared.
 */
function memberGap(moduleName: string, owner: DeclarationReflection, member: DeclarationReflection): string | null {
  if (member.inheritedFrom || member.flags.isPrivate || member.flags.isProtected) return null;
  const comments = [member.comment, ...(member.signatures ?? []).map((s) => s.comment), member.getSignature?.comment, member.setSignature?.comment];
  const name = `${moduleName}: ${owner.name}.${member.name} (${ReflectionKind[member.kind]})`;
  const callable = member.kindOf(ReflectionKind.Constructor | ReflectionKind.Method | ReflectionKind.Accessor);
  const functionValued = member.kindOf(ReflectionKind.Property) && member.type?.type === 'reflection' && (member.type.declaration.signatures?.length ?? 0) > 0;
  if (owner.kindOf(ReflectionKind.Class)) {
    if (!comments.some(described)) return `${name} has no documentation`;
    if (callable && !comments.some(hasExample)) return `${name} has no @example`;
    return null;
  }
  if ((callable || functionValued) && !comments.some(described)) return `${name} has no documentation`;
  return null;
}

const described = (c: Comment | undefined) => (c?.summary.some((part) => part.text.trim() !== '') ?? false) || (c?.blockTags.length ?? 0) > 0;
const hasExample = (c: Comment | undefined) => c?.blockTags.some((t) => t.tag === '@example') ?? false;

describe('API reference', () => {
  it('builds from typedoc.json with no warning, every public symbol documented with an example', async () => {
    const app = await Application.bootstrapWithPlugins({ options: CONFIG }, [new TypeDocReader(), new TSConfigReader()]);
    const logger = new CollectingLogger();
    app.logger = logger;
    // The strict settings this test relies on live in typedoc.json, where `pnpm run docs` reads them too.
    expect(app.options.getValue('treatWarningsAsErrors')).toBe(true);
    expect(app.options.getValue('validation').notDocumented).toBe(true);

    const project = await app.convert();
    expect(project, logger.messages.join('\n')).toBeDefined();
    if (!project) return;
    app.validate(project);
    expect(logger.messages).toEqual([]);

    // One module per entry point; each names its package and carries an example of its own.
    const modules = project.children ?? [];
    expect(modules.map((m) => m.name).sort()).toEqual(MODULES);
    const gaps: string[] = [];
    for (const mod of modules) {
      if (!described(mod.comment) || !hasExample(mod.comment)) gaps.push(`${mod.name} (module comment)`);
      for (const symbol of mod.children ?? []) {
        const comments = [symbol.comment, ...(symbol.signatures ?? []).map((s) => s.comment)];
        if (comments.some(described) && comments.some(hasExample)) continue;
        gaps.push(`${mod.name}: ${symbol.name} (${ReflectionKind[symbol.kind]}) has no ${comments.some(described) ? '@example' : 'documentation'}`);
      }
    }
    expect(gaps).toEqual([]);
    expect(modules.reduce((n, m) => n + (m.children?.length ?? 0), 0)).toBeGreaterThan(300);

    // Members of public classes and interfaces: what an editor shows on `engine.` or `store.`.
    const memberGaps: string[] = [];
    const checked: string[] = [];
    for (const mod of modules) {
      for (const owner of mod.children ?? []) {
        if (!owner.kindOf(ReflectionKind.Class | ReflectionKind.Interface)) continue;
        for (const member of owner.children ?? []) {
          checked.push(`${owner.name}.${member.name}`);
          const gap = memberGap(mod.name, owner, member);
          if (gap !== null) memberGaps.push(gap);
        }
      }
    }
    // The engine's whole surface is among them, documented with examples.
    const engineMembers = ['constructor', 'definition', 'store', 'clock', 'protocol', 'start', 'send', 'get', 'history', 'query', 'runDue', 'recover', 'on', 'off'];
    expect(checked).toEqual(expect.arrayContaining(engineMembers.map((m) => `JourneyEngine.${m}`)));
    expect(memberGaps.sort(), 'members of public classes and interfaces without documentation').toEqual([]);

    // What a public type refers to is in the reference too (exported and documented).
    const serialized = app.serializer.projectToObject(project, normalizePath(process.cwd())) as unknown as Json;
    const found = new Set<string>();
    for (const mod of (serialized['children'] ?? []) as Json[]) {
      for (const symbol of (mod['children'] ?? []) as Json[]) {
        for (const name of unexportedReferences(symbol)) found.add(`${name} (in ${String(symbol['name'])})`);
      }
    }
    expect([...found].filter((ref) => !NOT_EXPORTED.has(ref)).sort(), 'referenced by a public type but not exported').toEqual([]);
    expect([...NOT_EXPORTED].filter((ref) => !found.has(ref)), 'no longer referenced: remove from NOT_EXPORTED').toEqual([]);

    // The HTML site renders too (to a scratch directory; `pnpm run docs` writes docs/api).
    const out = mkdtempSync(join(tmpdir(), 'carejourney-api-'));
    try {
      await app.generateDocs(project, out);
      expect(logger.messages).toEqual([]);
      expect(existsSync(join(out, 'index.html'))).toBe(true);
      expect(existsSync(join(out, 'classes', '_carejourney_core.JourneyEngine.html'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 180_000);
});
