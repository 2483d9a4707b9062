import { htmlToText, MalformedMailError, parseInboundMail, spamDocumentOf } from '../../../src/mail/parse-inbound';

const mail = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

describe('parseInboundMail (inbound mail)', () => {
  it('reads a plain mail', async () => {
    const parsed = await parseInboundMail(
      mail([
        'From: "Ada Lovelace" <ada@example.com>',
        'To: support@acme.example',
        'Subject: Printer on fire',
        'Message-ID: <m1@example.com>',
        'Date: Tue, 1 Dec 2026 14:00:00 +0000',
        'X-Mailer: Mutt 2.2',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'It is on fire again.',
      ]),
    );
    expect(parsed).toEqual({
      messageId: '<m1@example.com>',
      references: [],
      from: { address: 'ada@example.com', name: 'Ada Lovelace' },
      subject: 'Printer on fire',
      text: 'It is on fire again.',
      attachments: [],
      headers: {
        'content-type': 'text/plain; charset=utf-8',
        'message-id': '<m1@example.com>',
        'x-mailer': 'Mutt 2.2',
      },
    });
    expect(spamDocumentOf(parsed)).toEqual({
      subject: 'Printer on fire',
      text: 'It is on fire again.',
      fromAddress: 'ada@example.com',
      headers: parsed.headers,
    });
  });

  it('reduces an HTML-only multipart to text', async () => {
    const parsed = await parseInboundMail(
      mail([
        'From: news@example.com',
        'Subject: News',
        'MIME-Version: 1.0',
        'Content-Type: multipart/alternative; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<html><body><p>Hello <b>there</b></p><a href="https://example.com/x">link</a></body></html>',
        '--b1--',
        '',
      ]),
    );
    expect(parsed.text).toContain('Hello there');
    expect(parsed.text).toContain('https://example.com/x');
    expect(parsed.text).not.toContain('<p>');
  });

  it('keeps attachments as bytes', async () => {
    const parsed = await parseInboundMail(
      mail([
        'From: a@example.com',
        'Subject: Invoice',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b2"',
        '',
        '--b2',
        'Content-Type: text/plain',
        '',
        'See attached.',
        '--b2',
        'Content-Type: application/pdf; name="invoice.pdf"',
        'Content-Disposition: attachment; filename="invoice.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('%PDF-1.4 fake').toString('base64'),
        '--b2--',
        '',
      ]),
    );
    expect(parsed.text.trim()).toBe('See attached.');
    expect(parsed.attachments).toEqual([
      { filename: 'invoice.pdf', contentType: 'application/pdf', bytes: Buffer.from('%PDF-1.4 fake') },
    ]);
  });

  it('decodes a Cyrillic encoded-word subject', async () => {
    const subject = 'Здравейте, поръчка №5';
    const encoded = `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`;
    const parsed = await parseInboundMail(mail(['From: ivan@example.bg', `Subject: ${encoded}`, '', 'Текст']));
    expect(parsed.subject).toBe(subject);
    expect(parsed.text.trim()).toBe('Текст');
  });

  it('reads In-Reply-To and References', async () => {
    const parsed = await parseInboundMail(
      mail([
        'From: a@example.com',
        'Subject: Re: Help',
        'In-Reply-To: <m2@acme.example>',
        'References: <m1@acme.example>',
        ' <m2@acme.example>',
        '',
        'Thanks',
      ]),
    );
    expect(parsed.inReplyTo).toBe('<m2@acme.example>');
    expect(parsed.references).toEqual(['<m1@acme.example>', '<m2@acme.example>']);
  });

  it('tolerates an mbox From_ line before the headers', async () => {
    const parsed = await parseInboundMail(
      mail(['From ada@example.com  Thu Aug 22 13:17:22 2002', 'Subject: Hi', '', 'x']),
    );
    expect(parsed.subject).toBe('Hi');
  });

  it.each([
    ['empty input', Buffer.alloc(0)],
    ['plain text', Buffer.from('hello world, this is not a mail\n\nreally')],
    ['binary garbage', Buffer.from([0, 1, 2, 3, 255, 254, 10, 10, 0])],
    ['a header section without From, Subject, Date or Message-ID', Buffer.from('X-Foo: bar\r\n\r\nbody')],
  ])('refuses %s as a MalformedMailError', async (_, raw) => {
    await expect(parseInboundMail(raw)).rejects.toBeInstanceOf(MalformedMailError);
  });
});

describe('htmlToText (inbound mail)', () => {
  it('keeps text and link targets, drops scripts, styles, comments and tags, decodes entities', () => {
    const html =
      '<html><head><title>t</title><style>p{}</style></head><body><!-- hidden --><script>var x = 1;</script>' +
      '<p>Fish &amp; chips&nbsp;&#8364;5 &#x41;</p><a href="https://example.com/x">here</a></body></html>';
    expect(htmlToText(html)).toBe('Fish & chips €5 A https://example.com/x here');
  });

  it.each([
    ['unclosed scripts', '<script>'.repeat(100_000)],
    ['unclosed comments', '<!--'.repeat(100_000)],
    ['unclosed tags', '<a href=x '.repeat(100_000)],
  ])('stays fast on %s', (_, html) => {
    const started = performance.now();
    htmlToText(html);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
