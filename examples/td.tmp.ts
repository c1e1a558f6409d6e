import { Application, TSConfigReader, TypeDocReader, ReflectionKind, type Comment } from 'typedoc';
const app = await Application.bootstrapWithPlugins({ options: '../typedoc.json', logLevel: 'Error' }, [new TypeDocReader(), new TSConfigReader()]);
const project = await app.convert();
if (!project) throw new Error('no project');
const described = (c: Comment | undefined) => (c?.summary.some((p) => p.text.trim() !== '') ?? false);
const hasExample = (c: Comment | undefined) => !!c?.blockTags.some((t) => t.tag === '@example');
const rows: string[] = [];
for (const mod of project.children ?? []) {
  for (const r of mod.children ?? []) {
    const cs = [r.comment, ...(r.signatures ?? []).map((s) => s.comment)];
    const d = cs.some(described), e = cs.some(hasExample);
    if (d && e) continue;
    const src = r.sources?.[0] ?? r.signatures?.[0]?.sources?.[0];
    rows.push(`${src?.fullFileName.replace(/.*packages\//, '')}:${src?.line} ${r.name} ${ReflectionKind[r.kind]} ${d ? 'no-example' : 'undocumented'}`);
  }
}
console.log(rows.sort().join('\n'));
