// Copy the built browser libraries from node_modules into the platform's static files.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "src", "yuanqu", "static", "vendor");

const files = [
  ["echarts/dist/echarts.min.js", "echarts/echarts.min.js"],
  ["htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"],
  ["maplibre-gl/dist/maplibre-gl.js", "maplibre-gl/maplibre-gl.js"],
  ["maplibre-gl/dist/maplibre-gl.css", "maplibre-gl/maplibre-gl.css"],
];

for (const [from, to] of files) {
  const dest = join(target, to);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(join(here, "node_modules", from), dest);
  console.log(`collected ${to}`);
}
