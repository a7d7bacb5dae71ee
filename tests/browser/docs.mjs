// Loads Swagger UI (/docs) and ReDoc (/redoc) of a running generated server in
// headless Chromium, and checks that every operation of its /openapi.json renders, that
// the pages raise no script error, and that no request goes anywhere but the server.
//
//   node docs.mjs http://127.0.0.1:PORT
//
// Chromium is /usr/bin/chromium, or $CHROMIUM. scripts/test installs playwright-core
// (pinned in package-lock.json) beside a copy of this file under target/.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const base = process.argv[2];
if (!base) {
  console.error("usage: node docs.mjs BASE_URL");
  process.exit(2);
}
const origin = new URL(base).origin;
const TIMEOUT = 20_000;

const document = await (await fetch(`${origin}/openapi.json`)).json();
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  METHODS.filter((method) => item[method]).map((method) => ({
    method,
    path,
    id: item[method].operationId,
  })),
);

const profile = mkdtempSync(join(tmpdir(), "oapi-gen-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    // Belt and braces: a name other than the server's cannot even be resolved.
    `--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ${new URL(base).hostname}`,
  ],
});

const failures = [];
const requests = [];
// Every request of every page and worker: the server's own go through, any other is
// recorded and refused.
await browser.route("**/*", (route) => {
  const url = route.request().url();
  requests.push(url);
  if (new URL(url).origin === origin) {
    return route.continue();
  }
  failures.push(`request to another origin: ${url}`);
  return route.abort();
});

async function check(path, rendered) {
  const page = await browser.newPage();
  page.on("pageerror", (error) => failures.push(`${path}: script error: ${error.message}`));
  const started = Date.now();
  const response = await page.goto(`${origin}${path}`, { waitUntil: "load", timeout: TIMEOUT });
  if (response?.status() !== 200) {
    failures.push(`${path}: status ${response?.status()}`);
    return;
  }
  await rendered(page);
  await page.waitForLoadState("networkidle", { timeout: TIMEOUT });
  console.log(`${path}: ${operations.length} operations rendered in ${Date.now() - started} ms`);
  await page.close();
}

await check("/docs", async (page) => {
  await page.waitForSelector(".opblock", { timeout: TIMEOUT });
  const shown = await page.$$eval(".opblock", (blocks) =>
    blocks.map((block) => ({
      method: block.querySelector(".opblock-summary-method")?.textContent.trim().toLowerCase(),
      path: block.querySelector(".opblock-summary-path")?.getAttribute("data-path"),
    })),
  );
  for (const { method, path } of operations) {
    if (!shown.some((s) => s.method === method && s.path === path)) {
      failures.push(`/docs: ${method.toUpperCase()} ${path} is not shown`);
    }
  }
});

await check("/redoc", async (page) => {
  await page.waitForSelector("[id*='operation/']", { timeout: TIMEOUT });
  const ids = await page.$$eval("[id*='operation/']", (nodes) => nodes.map((n) => n.id));
  const text = await page.textContent("body");
  for (const { method, path, id } of operations) {
    if (!ids.some((shown) => shown.endsWith(`operation/${id}`))) {
      failures.push(`/redoc: operation ${id} (${method.toUpperCase()} ${path}) is not shown`);
    }
    if (!text.includes(path)) {
      failures.push(`/redoc: path ${path} is not shown`);
    }
  }
});

await browser.close();
rmSync(profile, { recursive: true, force: true });

if (failures.length > 0) {
  console.error(failures.join("\n"));
  process.exit(1);
}
console.log(`${requests.length} requests, all to ${origin}`);
