import { Writable } from 'node:stream';
import { createLogger, logFormatFor } from '../../src/logger';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

// Issue 12 §3: logs a person can read at a terminal, JSON with ISO times for everything else, secrets blanked in both.
describe('createLogger', () => {
  it('writes JSON lines with ISO times, personal fields redacted', () => {
    const out = sink();
    createLogger('info', out.stream).info({ accountId: 'a1', email: 'x@example.test' }, 'account suspended');
    const line = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'account suspended', accountId: 'a1', email: '[redacted]', service: 'lethe' });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('writes one readable line per entry in the pretty format, no JSON braces, secrets still blanked', () => {
    const out = sink();
    createLogger('info', out.stream, 'pretty').warn({ accountId: 'a1', token: 'lsess_secret' }, 'Temporal server died');
    const text = out.text();
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: Temporal server died/);
    expect(text).toContain('accountId: "a1"');
    expect(text).not.toContain('lsess_secret');
    expect(text).not.toContain('{"level"');
  });

  it('is pretty at a terminal and JSON elsewhere unless LOG_FORMAT says', () => {
    expect(logFormatFor(undefined, true)).toBe('pretty');
    expect(logFormatFor(undefined, false)).toBe('json');
    expect(logFormatFor('json', true)).toBe('json');
    expect(logFormatFor('pretty', false)).toBe('pretty');
  });
});
