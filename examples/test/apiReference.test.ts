// The API reference (`pnpm run docs`, TypeDoc with typedoc.json) builds without a warning, and every
// public symbol of the documented packages carries a summary and an @example.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel, Logger, ReflectionKind, TSConfigReader, TypeDocReader, type Comment } from 'typedoc';
import { describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('../../typedoc.json', import.meta.url));

/** Keeps every warning and error TypeDoc reports, instead of printing them. */
class CollectingLogger extends Logger {
  readonly messages: string[] = [];
  override log(message: string, level: LogLevel): void {
    if (level >= LogLevel.Warn) this.messages.push(`${LogLevel[level]}: ${message}`);
  }
}

/**
 * Public symbols of @carejourney/core still waiting for a summary or an example: they are declared
 * in files the engine rework (pipeline files, typed definitions) rewrites, and get their comments
 * on the reworked files. typedoc.json lists the undocumented ones under `intentionallyNotDocumented`.
 * The test fails when one of these is documented with an example, so the list only shrinks.
 */
const PENDING = new Set([
  'BlockedEvent', 'Duration', 'EventSchemas', 'GuardArgs', 'GuardRule', 'JournalEntry', 'JourneyDefinition',
  'JourneyDefinitionConfig', 'JourneyEffect', 'JourneyPolicy', 'JourneyRecord', 'JourneyStartInput',
  'OutboxItem', 'PersistedSnapshot', 'SYSTEM_ACTOR', 'SnapshotMigration', 'StampedEvent', 'TimerRow',
  'actorSchema', 'durationSchema', 'flattenState', 'journalEntrySchema', 'journeyRecordSchema',
  'outboxItemSchema', 'persistedSnapshotSchema', 'timerRowSchema',
]);

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
    expect(modules.map((m) => m.name)).toEqual(expect.arrayContaining(['@carejourney/core', '@carejourney/core/testing', '@carejourney/store-sqlite']));
    const gaps: string[] = [];
    const pendingDone: string[] = [];
    for (const mod of modules) {
      if (!described(mod.comment) || !hasExample(mod.comment)) gaps.push(`${mod.name} (module comment)`);
      for (const symbol of mod.children ?? []) {
        const comments = [symbol.comment, ...(symbol.signatures ?? []).map((s) => s.comment)];
        const complete = comments.some(described) && comments.some(hasExample);
        const pending = mod.name === '@carejourney/core' && PENDING.has(symbol.name);
        if (complete && pending) pendingDone.push(symbol.name);
        if (complete || pending) continue;
        gaps.push(`${mod.name}: ${symbol.name} (${ReflectionKind[symbol.kind]}) has no ${comments.some(described) ? '@example' : 'documentation'}`);
      }
    }
    expect(pendingDone, 'documented now: remove from PENDING (and from intentionallyNotDocumented in typedoc.json)').toEqual([]);
    expect(gaps).toEqual([]);
    expect(modules.reduce((n, m) => n + (m.children?.length ?? 0), 0)).toBeGreaterThan(100);

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
