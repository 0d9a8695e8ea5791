#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the committed files of the hostile corpus (tests/data/hostile/).

The files are committed; this script documents how each was made and
remakes them:  /usr/bin/python3 tests/data/hostile/make-corpus.py
Big or environment-dependent cases (64 MiB text, FIFOs, odd file names,
damaged project files) are made by test-hostile.c at test time.
MANIFEST.tsv lists every case with the error it must give."""

import io
import os
import stat
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONTROL = os.path.join(HERE, '..', 'hostile-xml', 'valid-control.xml')


def write(name, data):
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(HERE, name), 'wb') as f:
        f.write(data)


def zip_bytes(entries, compression=zipfile.ZIP_DEFLATED):
    """entries: list of (name, bytes) or (ZipInfo, bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', compression) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Gloss XML, made from the control file of the older hostile-xml set
# ---------------------------------------------------------------------------

control = open(CONTROL, encoding='utf-8').read()


def xml_variant(name, old, new, count=1):
    assert old in control, (name, old)
    write(name, control.replace(old, new, count))


write('xml-empty.xml', b'')
write('xml-whitespace.xml', b'  \n\t\n')
write('xml-truncated.xml', control.encode('utf-8')[:len(control.encode('utf-8')) // 2])
write('xml-nul-byte.xml', control.encode('utf-8').replace(b'Q: How', b'Q:\x00How'))
xml_variant('xml-control-char-ref.xml', 'Q: How', 'Q:&#1; How')
xml_variant('xml-nul-char-ref.xml', 'Q: How', 'Q:&#0; How')
xml_variant('xml-second-root.xml', '</gloss>\n', '</gloss>\n<gloss xmlns="urn:glossapp:gloss:1" version="1"/>\n')
xml_variant('xml-xinclude.xml', '<annotators>',
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="/etc/passwd" parse="text"/>\n  <annotators>')
xml_variant('xml-offset-overflow.xml', 'start="18"', 'start="99999999999999999999999"')
xml_variant('xml-offset-not-number.xml', 'start="18"', 'start="1e1"')
xml_variant('xml-offset-negative.xml', 'start="18" end="33"', 'start="-3" end="12"')
xml_variant('xml-offset-spaces.xml', 'start="18"', 'start=" 18"')
xml_variant('xml-bad-color.xml', 'color="#aa3333"', 'color="red; background: url(x)"')
xml_variant('xml-bad-kind.xml', 'kind="actor"', 'kind="villain"')
xml_variant('xml-bad-status.xml', 'status="unreviewed"', 'status="maybe"', 1)
xml_variant('xml-bad-uuid.xml', 'uuid="7c9e6679-7425-40de-944b-e07fc1f90ae7"',
            'uuid="../../../etc/passwd"')
xml_variant('xml-sha256-mismatch.xml', 'sha256="431c8e3c', 'sha256="531c8e3c')
xml_variant('xml-length-mismatch.xml', 'length="78"', 'length="77"')
xml_variant('xml-duplicate-document.xml', '  </documents>',
            control[control.index('    <document uuid'):control.index('  </documents>')] + '  </documents>')
xml_variant('xml-unknown-element.xml', '<annotators>', '<macro run="rm -rf ~"/>\n  <annotators>')
xml_variant('xml-sql-in-names.xml', 'name="alice"', 'name="alice\'); DROP TABLE annotation;--"')
xml_variant('xml-prefixed-namespace.xml', '<gloss xmlns="urn:glossapp:gloss:1"',
            '<?gloss-pi keep?>\n<!-- a comment -->\n<gloss xmlns="urn:glossapp:gloss:1"')
# The whole document in UTF-16 with a byte-order mark, and declared so.
write('xml-utf16.xml', '\ufeff'.encode('utf-16-le') +
      control.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode('utf-16-le'))
# Declared UTF-8 but holding a Latin-1 byte.
write('xml-bad-utf8.xml', control.encode('utf-8').replace('“Cooperation”'.encode('utf-8'),
                                                          b'\xabCooperation\xbb'))
# Attribute values that never end.
write('xml-unterminated-attribute.xml', control.encode('utf-8')[:600] + b'"' + b'x' * 4000)

# ---------------------------------------------------------------------------
# REFI-QDA: a tiny project exported by Gloss, then damaged
# ---------------------------------------------------------------------------

SOURCE_GUID = '75ec9c9a-0dc2-4ca8-8f11-96085182d428'
SOURCE_TEXT = 'Q: How do you see Pakistan–Russia ties?\nA: Cooperation is growing.\n'
QDE = '''<?xml version="1.0" encoding="UTF-8"?>
<Project name="t" origin="Gloss 0.1.0" creatingUserGUID="fc3a7334-b074-40f9-926c-2ddc5fc78596" creationDateTime="2026-11-28T02:13:12Z" xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="fc3a7334-b074-40f9-926c-2ddc5fc78596" name="carol"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="134bf8df-8738-4bec-bb9e-7716c3d90f25" name="Actors" isCodable="false">
        <Code guid="8b63fd08-2362-4fac-a9af-3f4876879e4d" name="Russia" isCodable="true" color="#aa3333"/>
      </Code>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="75ec9c9a-0dc2-4ca8-8f11-96085182d428" name="Tiny" plainTextPath="internal://75ec9c9a-0dc2-4ca8-8f11-96085182d428.txt" creationDateTime="2026-11-28T02:13:12Z">
      <PlainTextSelection guid="f4620d7f-253f-4808-b07e-f431d8df0041" startPosition="18" endPosition="33" creatingUser="fc3a7334-b074-40f9-926c-2ddc5fc78596" creationDateTime="2026-11-28T02:13:12Z" modifyingUser="fc3a7334-b074-40f9-926c-2ddc5fc78596" modifiedDateTime="2026-11-28T02:13:12Z">
        <Description>hi</Description>
        <Coding guid="bf7e7d74-dd81-4111-9e35-97dc78b8f098" creatingUser="fc3a7334-b074-40f9-926c-2ddc5fc78596" creationDateTime="2026-11-28T02:13:12Z">
          <CodeRef targetGUID="8b63fd08-2362-4fac-a9af-3f4876879e4d"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
'''
QDC = '''<?xml version="1.0" encoding="UTF-8"?>
<CodeBook origin="Gloss 0.1.0" xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="134bf8df-8738-4bec-bb9e-7716c3d90f25" name="Actors" isCodable="false">
      <Code guid="8b63fd08-2362-4fac-a9af-3f4876879e4d" name="Russia" isCodable="true" color="#aa3333"/>
    </Code>
  </Codes>
</CodeBook>
'''
SOURCE_ENTRY = 'sources/%s.txt' % SOURCE_GUID


def qdpx(name, qde=QDE, extra=(), source=SOURCE_TEXT.encode('utf-8'), source_entry=SOURCE_ENTRY):
    entries = [('project.qde', qde.encode('utf-8') if isinstance(qde, str) else qde)]
    if source is not None:
        entries.append((source_entry, source))
    entries += list(extra)
    write(name, zip_bytes(entries))


def qde_variant(old, new):
    assert old in QDE, old
    return QDE.replace(old, new)


qdpx('refi-control.qdpx')
write('refi-control.qdc', QDC)
write('refi-empty-zip.qdpx', zip_bytes([]))
write('refi-no-project.qdpx', zip_bytes([(SOURCE_ENTRY, SOURCE_TEXT.encode('utf-8'))]))
qdpx('refi-traversal.qdpx', extra=[('../../escape.txt', b'outside')])
qdpx('refi-missing-source.qdpx', source=None)
qdpx('refi-selection-outside.qdpx', qde=qde_variant('endPosition="33"', 'endPosition="9999"'))
qdpx('refi-selection-reversed.qdpx',
     qde=qde_variant('startPosition="18" endPosition="33"', 'startPosition="33" endPosition="18"'))
qdpx('refi-doctype.qdpx', qde=qde_variant('<?xml version="1.0" encoding="UTF-8"?>\n',
                                          '<?xml version="1.0" encoding="UTF-8"?>\n'
                                          '<!DOCTYPE Project [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'))
qdpx('refi-source-not-utf8.qdpx', source=b'Q: How do you see Pakistan\x96Russia ties?\nA: \xff\xfe\n')
qdpx('refi-source-nul.qdpx', source=b'Q: How do you see\x00 Pakistan-Russia ties?\nA: yes.\n')
qdpx('refi-wrong-namespace.qdpx', qde=qde_variant('xmlns="urn:QDA-XML:project:1.0"',
                                                  'xmlns="urn:example:not-refi"'))
qdpx('refi-unknown-coderef.qdpx', qde=qde_variant('<CodeRef targetGUID="8b63fd08',
                                                  '<CodeRef targetGUID="9b63fd08'))
qdpx('refi-duplicate-entry.qdpx', extra=[('project.qde', b'<Project/>')])
# Ten mebibytes of spaces inside project.qde: a ratio far beyond any real file.
qdpx('refi-bomb.qdpx', qde=QDE.replace('<Users>', '<Users>' + ' ' * (10 << 20), 1))
write('refi-truncated.qdpx', open(os.path.join(HERE, 'refi-control.qdpx'), 'rb').read()[:300])
# A symbolic link entry where project.qde should be.
link = zipfile.ZipInfo('project.qde')
link.create_system = 3
link.external_attr = (stat.S_IFLNK | 0o777) << 16
write('refi-symlink.qdpx', zip_bytes([(link, '/etc/passwd'), (SOURCE_ENTRY, SOURCE_TEXT)],
                                     zipfile.ZIP_STORED))
write('refi-doctype.qdc', QDC.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                                      '<?xml version="1.0" encoding="UTF-8"?>\n'
                                      '<!DOCTYPE CodeBook [<!ENTITY a "aaaaaaaaaa">'
                                      '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'))
write('refi-deep-codes.qdc', '<?xml version="1.0" encoding="UTF-8"?>\n'
      '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>' +
      ''.join('<Code guid="%d" name="c" isCodable="true">' % i for i in range(600)) +
      '</Code>' * 600 + '</Codes></CodeBook>\n')
write('refi-qdc-in-zip.qdpx', zip_bytes([('codebook.qdc', QDC.encode('utf-8'))]))

# ---------------------------------------------------------------------------
# Word and ODF documents
# ---------------------------------------------------------------------------

DOCX_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:body>%s</w:body></w:document>')
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types '
                 'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')


def docx(name, body=None, document=None, extra=()):
    if document is None:
        document = DOCX_XML % body
    write(name, zip_bytes([('[Content_Types].xml', CONTENT_TYPES),
                           ('word/document.xml', document)] + list(extra)))


docx('docx-control.docx', body='<w:p><w:r><w:t>Q: Is it a docx?</w:t></w:r></w:p>'
                               '<w:p><w:r><w:t>A: Yes.</w:t></w:r></w:p>')
write('docx-not-zip.docx', 'This is plain text with a .docx name.\n')
write('docx-no-document.docx', zip_bytes([('[Content_Types].xml', CONTENT_TYPES),
                                          ('word/styles.xml', '<styles/>')]))
docx('docx-doctype.docx', document='<?xml version="1.0"?>\n<!DOCTYPE w:document '
     '[<!ENTITY x SYSTEM "file:///etc/passwd">]>\n' + (DOCX_XML % '<w:p><w:r><w:t>&x;</w:t></w:r></w:p>')
     .split('\n', 1)[1])
docx('docx-malformed.docx', document=(DOCX_XML % '<w:p><w:r><w:t>unclosed</w:r></w:p>'))
docx('docx-control-char.docx', body='<w:p><w:r><w:t>bell &#7; here</w:t></w:r></w:p>')
docx('docx-empty-body.docx', body='')
docx('docx-blank-paragraphs.docx', body='<w:p/><w:p><w:r><w:t xml:space="preserve">  \t </w:t></w:r></w:p><w:p/>')
docx('docx-bomb.docx', body='<w:p><w:r><w:t>' + 'a' * (20 << 20) + '</w:t></w:r></w:p>')
docx('docx-traversal.docx', body='<w:p><w:r><w:t>ok</w:t></w:r></w:p>',
     extra=[('../../word/document.xml', 'escape')])

ODT_CONTENT = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
               '%s</office:text></office:body></office:document-content>')
write('odt-no-content.odt', zip_bytes([('mimetype', 'application/vnd.oasis.opendocument.text'),
                                       ('styles.xml', '<styles/>')]))
write('odt-deep-nesting.odt', zip_bytes([('mimetype', 'application/vnd.oasis.opendocument.text'),
                                         ('content.xml', ODT_CONTENT % ('<text:span>' * 5000 + 'deep' +
                                                                        '</text:span>' * 5000))]))

# ---------------------------------------------------------------------------
# Plain text
# ---------------------------------------------------------------------------

write('text-nul.txt', b'Q: Where?\nA: Here\x00 and there.\n')
write('text-overlong-utf8.txt', b'Q: slash \xc0\xaf here\n')
write('text-utf8-surrogate.txt', b'Q: half \xed\xa0\x80 a pair\n')
write('text-beyond-unicode.txt', b'Q: past U+10FFFF \xf4\x90\x80\x80\n')
write('text-bom-only.txt', b'\xef\xbb\xbf')
write('text-utf16-bom-only.txt', b'\xff\xfe')
write('text-escape.txt', b'Q: colour \x1b[31mred\x1b[0m?\n')
write('text-form-feed.txt', b'Page one\n\x0cPage two\n')
write('text-binary.txt', bytes(range(256)) * 4)
write('text-newlines-only.txt', b'\n\n\r\n\r\n\n')
write('text-blank-spaces.txt', b' \t\n\xc2\xa0\n\xe3\x80\x80\r\n\xe2\x80\x8b\xef\xbb\xbf \n')
write('text-blank-then-text.txt', b'\n \n\t\xc2\xa0A.\n\n')
write('text-utf16-high-surrogate-at-end.txt', b'\xff\xfe' + 'Q: hi'.encode('utf-16-le') + b'\x3d\xd8')
