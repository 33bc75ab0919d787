/**
 * HTML → PDF in real Chromium (playwright-core driving Debian's /usr/bin/chromium, or the browser named
 * by LOCALECU_CHROMIUM). playwright-core is loaded only when a PDF is asked for: the HTML report needs
 * nothing. Chromium stays off the network: the report is one self-contained page.
 */
import { existsSync } from "node:fs";

export const CHROMIUM_PATH = process.env.LOCALECU_CHROMIUM ?? "/usr/bin/chromium";

export class PdfError extends Error {}

export async function renderPdf(html: string, outFile: string, chromiumPath = CHROMIUM_PATH): Promise<void> {
  if (!existsSync(chromiumPath)) {
    throw new PdfError(
      `no Chromium at ${chromiumPath} to print the PDF: install it (apt-get install chromium), point LOCALECU_CHROMIUM at one, or write --report report.html and print that`,
    );
  }
  let chromium: typeof import("playwright-core").chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch {
    throw new PdfError(
      "the PDF report needs playwright-core (npm install playwright-core); --report report.html works without it",
    );
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--no-first-run"],
  });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await page.pdf({ path: outFile, format: "A4", printBackground: true, preferCSSPageSize: true });
  } finally {
    await browser.close();
  }
}
