import fc from 'fast-check';
import { TOKEN_LIMITS, tokenize } from '../../../../src/domain/spam/tokenize';
import type { SpamDocument } from '../../../../src/domain/spam/tokenize';

const doc = (text: string, subject = '', more: Partial<SpamDocument> = {}): SpamDocument => ({
  subject,
  text,
  ...more,
});
const keys = (d: SpamDocument): string[] => [...tokenize(d).keys()];

describe('spam tokenize', () => {
  it('folds case and compatibility forms, in any script', () => {
    const tokens = tokenize(doc('Безплатна ОФЕРТА днес! ＦＲＥＥ Ελληνικά ΚΑΛΗΜΕΡΑ'));
    expect([...tokens.keys()]).toEqual(
      expect.arrayContaining(['безплатна', 'оферта', 'днес', 'free', 'ελληνικά', 'καλημερα', 'caps']),
    );
    expect(tokens.get('caps')).toBe(3);
  });

  it('counts occurrences, up to the cap', () => {
    const tokens = tokenize(doc('win win win ' + 'cash '.repeat(50)));
    expect(tokens.get('win')).toBe(3);
    expect(tokens.get('cash')).toBe(TOKEN_LIMITS.occurrencesPerToken);
  });

  it('prefixes subject words so they weigh apart from body words', () => {
    expect(keys(doc('meeting notes', 'Meeting today'))).toEqual(['s:meeting', 's:today', 'meeting', 'notes']);
  });

  it('pairs characters of scripts written without spaces', () => {
    expect(keys(doc('免费发票'))).toEqual(['免费', '费发', '发票']);
    expect(keys(doc('東京 tokyo'))).toEqual(['東京', 'tokyo']);
  });

  it('reduces URLs to their host and registrable part, dropping path and query', () => {
    const tokens = keys(
      doc('See https://Shop.Example.co.uk:8080/path/to?id=12345&u=me and www.foo.com/x and http://10.0.0.1/a'),
    );
    expect(tokens).toEqual([
      'url:shop.example.co.uk',
      'url:example.co.uk',
      'url:www.foo.com',
      'url:foo.com',
      'url:ip',
      'see',
      'and',
    ]);
  });

  it('turns long digit runs and ids into shapes, and drops one-letter and overlong words', () => {
    const tokens = keys(doc('a 2002 1234567 order ab12cd34ef ' + 'x'.repeat(40)));
    expect(tokens).toEqual(['2002', 'num:7', 'order', 'id:10', 'long']);
  });

  it('reads the MIME type, charset, Message-ID domain and mail program of the headers', () => {
    const headers = {
      'content-type': 'text/html; charset="Windows-1252"',
      'message-id': '<abc.123@mail.Example.com>',
      'x-mailer': 'Microsoft Outlook Express 6.00',
    };
    expect(keys(doc('', '', { headers }))).toEqual([
      'h:type:text/html',
      'h:charset:windows-1252',
      'h:msgid:example.com',
      'h:mailer:microsoft-outlook',
    ]);
  });

  it('keeps only the domain of the sender and of addresses in the text', () => {
    const tokens = keys(
      doc('write to John.Smith+x@Mail.Example.org today', 'from jane@example.net', {
        fromAddress: 'Ivan.Petrov@corp.example.bg',
      }),
    );
    expect(tokens.sort()).toEqual(
      [
        's:from',
        's:email-domain:example.net',
        'from-domain:corp.example.bg',
        'from-domain:example.bg',
        'write',
        'to',
        'email-domain:mail.example.org',
        'today',
      ].sort(),
    );
  });

  it.each([
    ['an address in a URL', 'http://john.doe@evil.example.com/x'],
    ['an address in a query string', 'https://t.example.com/u?to=john.doe@example.org'],
    ['a mailto link', '<a href="mailto:john.doe@example.org">'],
    ['a full-width at sign', 'john.doe＠example.org'],
    ['an address without a valid domain', 'john.doe@localhost'],
    ['a quoted local part', '"john doe"@example.org'],
    ['a local part with plus and dots', 'john.doe+tag@example.org'],
  ])('drops the local part of %s', (_, text) => {
    for (const token of keys(doc(text))) {
      expect(token).not.toMatch(/john|doe/);
    }
  });

  it('never lets a local part appear in any token', () => {
    const localChar = fc.constantFrom(
      ..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789._+-!#$%&*=?^`{|}~'/жщюΩλ".split(''),
    );
    const word = fc.string({ unit: fc.constantFrom(...'abcdefgh ,.;:<>()'.split('')), maxLength: 30 });
    const domain = fc.constantFrom('example.com', 'mail.example.org', 'пример.бг', 'x.co.uk');
    fc.assert(
      fc.property(
        fc.string({ unit: localChar, minLength: 3, maxLength: 20 }),
        domain,
        word,
        word,
        fc.constantFrom('text', 'subject', 'from'),
        (local, host, before, after, where) => {
          const needle = local.normalize('NFKC').toLowerCase();
          const context = `${before} ${after} ${host} email-domain: from-domain: s:`.toLowerCase();
          fc.pre(/[a-z0-9жщюωλ]{2}/u.test(needle) && !context.includes(needle));
          const address = `${local}@${host}`;
          const d =
            where === 'from'
              ? doc(`${before} ${after}`, '', { fromAddress: address })
              : where === 'subject'
                ? doc('', `${before} ${address} ${after}`)
                : doc(`${before} ${address} ${after}`);
          for (const token of tokenize(d).keys()) expect(token).not.toContain(needle);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('bounds what a huge mail yields, and how long it takes', () => {
    const words = Array.from({ length: 200_000 }, (_, i) => `w${i.toString(36)}x`).join(' ');
    const started = performance.now();
    const tokens = tokenize(doc(words.repeat(5), 'y'.repeat(100_000) + ' subject'));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(tokens.size).toBeLessThanOrEqual(TOKEN_LIMITS.distinctTokens);
    expect(Math.max(...tokens.values())).toBeLessThanOrEqual(TOKEN_LIMITS.occurrencesPerToken);
  });

  it('stays linear on a long run without spaces or at signs', () => {
    const started = performance.now();
    tokenize(doc('a'.repeat(100_000) + '@' + 'b'.repeat(100_000) + ' ' + '@'.repeat(50_000)));
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('is deterministic', () => {
    const d = doc('Cheap meds at http://pharma.example.com now!!! 100% FREE', 'RE: your order', {
      fromAddress: 'x@y.com',
    });
    expect([...tokenize(d)]).toEqual([...tokenize(d)]);
  });
});
