/** Dense invoice-like PDF pages for the benchmarks: ~400 words per A4 page, several fonts and sizes. */
import { en, Faker } from '@faker-js/faker';
import PDFDocument from 'pdfkit';

export async function makeDensePdf(pages: number, seed = 7): Promise<Uint8Array> {
  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const doc = new PDFDocument({ size: 'A4', margin: 40, info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  for (let p = 0; p < pages; p++) {
    if (p > 0) doc.addPage();
    doc
      .font('Helvetica-Bold')
      .fontSize(18)
      .text(`INVOICE ${faker.string.numeric(6)}`);
    doc.font('Helvetica').fontSize(9).text(`${faker.company.name()}, ${faker.location.streetAddress()}`);
    doc.moveDown();
    for (let r = 0; r < 32; r++) {
      const qty = faker.number.int({ min: 1, max: 40 });
      const price = faker.number.float({ min: 1, max: 900, fractionDigits: 2 });
      doc
        .font(r % 2 ? 'Times-Roman' : 'Helvetica')
        .fontSize(9)
        .text(
          `${faker.string.alphanumeric(6).toUpperCase()} ${faker.commerce.productName()} ${qty} x ${price.toFixed(2)} = ${(qty * price).toFixed(2)} EUR`,
        );
    }
    doc.moveDown().font('Helvetica').fontSize(8).text(faker.lorem.paragraphs(2));
    doc
      .font('Helvetica-Bold')
      .fontSize(11)
      .text(`Total due ${faker.finance.amount()} EUR`, { align: 'right' });
  }
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
