// Projects the Natural Earth admin-0 countries of the npm package world-atlas to SVG path
// data keyed by ISO 3166-1 alpha-3, for engine/chart (make worldmap runs it; the Go
// server never runs it). Usage: node project.mjs COUNTRIES.CSV > world-110m.json
//
// - Shapes: countries-110m.json (1:110m), projected with d3-geo's Equal Earth projection.
// - World-atlas ids are ISO 3166-1 numeric; COUNTRIES.CSV (indicators/countries) maps them
//   to alpha-3. Features without an id are matched by name (Kosovo -> XKX); "N. Cyprus"
//   and "Somaliland" are drawn as part of Cyprus and Somalia, the states the EU recognises.
// - Antarctica is left out (nothing to rate; it would double the map's height).
// - A country too small for the 1:110m file gets a marker at its centroid, taken from the
//   1:50m file, else the 1:10m file.
import fs from 'node:fs';
import crypto from 'node:crypto';
import path from 'node:path';
import { feature } from 'topojson-client';
import { geoEqualEarth, geoPath, geoCentroid } from 'd3-geo';

const modules = path.join(path.dirname(new URL(import.meta.url).pathname), 'node_modules');
const atlasDir = path.join(modules, 'world-atlas');
const version = (pkg) => JSON.parse(fs.readFileSync(path.join(modules, pkg, 'package.json'))).version;

const csvPath = process.argv[2];
if (!csvPath) {
  console.error('usage: node project.mjs COUNTRIES.CSV');
  process.exit(2);
}
// iso2,iso3,numeric,name_en,name_de,... (no quoted commas in the columns read here)
const lines = fs.readFileSync(csvPath, 'utf8').trim().split('\n');
const header = lines[0].split(',');
const col = (name) => header.indexOf(name);
const byNumeric = new Map();
const byName = new Map();
const isoCodes = [];
for (const line of lines.slice(1)) {
  const f = line.split(',');
  let iso3 = f[col('iso3')];
  if (iso3 === 'UNK') iso3 = 'XKX'; // as indicators/countries does
  isoCodes.push(iso3);
  if (f[col('numeric')]) byNumeric.set(f[col('numeric')], iso3);
  byName.set(f[col('name_en')], iso3);
}
const partOf = { 'N. Cyprus': 'CYP', Somaliland: 'SOM' };

const files = {};
function load(res) {
  const name = `countries-${res}.json`;
  const raw = fs.readFileSync(path.join(atlasDir, name));
  files[name] = 'sha256:' + crypto.createHash('sha256').update(raw).digest('hex');
  const topo = JSON.parse(raw);
  return feature(topo, topo.objects.countries).features;
}
function isoOf(f) {
  if (f.id !== undefined && byNumeric.has(f.id)) return byNumeric.get(f.id);
  return partOf[f.properties.name] || byName.get(f.properties.name) || '';
}

const width = 960;
const shapes = load('110m').filter((f) => f.id !== '010'); // Antarctica
const projection = geoEqualEarth().fitWidth(width, { type: 'Sphere' });
const pathOf = geoPath(projection).digits(1);
const [[x0, y0], [x1, y1]] = pathOf.bounds({ type: 'FeatureCollection', features: shapes });

const countries = new Map(); // iso3 or name -> {iso3, name, d}
for (const f of shapes) {
  const iso3 = isoOf(f);
  const key = iso3 || f.properties.name;
  const d = pathOf(f);
  if (!d) continue;
  const c = countries.get(key);
  if (c) c.d += d;
  else countries.set(key, { iso3, name: f.properties.name, d });
}

const markers = [];
const finer = [['50m', load('50m')], ['10m', load('10m')]];
for (const iso3 of isoCodes) {
  if (countries.has(iso3) || iso3 === 'ATA') continue;
  for (const [res, features] of finer) {
    const f = features.find((g) => isoOf(g) === iso3);
    if (!f) continue;
    const [x, y] = projection(geoCentroid(f)).map((v) => Math.round(v * 10) / 10);
    markers.push({ iso3, name: f.properties.name, x, y, from: res });
    break;
  }
}

const round = (v) => Math.round(v * 10) / 10;
// The view box holds every shape and marker, with room for a marker's circle.
const vx0 = Math.min(x0, ...markers.map((m) => m.x - 5));
const vx1 = Math.max(x1, ...markers.map((m) => m.x + 5));
const vy0 = Math.min(y0, ...markers.map((m) => m.y - 5));
const vy1 = Math.max(y1, ...markers.map((m) => m.y + 5));
const out = {
  source: {
    package: `world-atlas ${version('world-atlas')}`,
    data: 'Natural Earth 4.1.0, Admin 0 countries (1:110m; markers from 1:50m and 1:10m)',
    files,
    tools: `topojson-client ${version('topojson-client')}, d3-geo ${version('d3-geo')} (geoEqualEarth, fitted to ${width} px)`,
    licence: 'Natural Earth: public domain (naturalearthdata.com/about/terms-of-use). world-atlas: ISC licence, Copyright 2013-2019 Michael Bostock.',
    generator: 'engine/chart/worldmap-build/project.mjs (make worldmap)',
  },
  view_box: [round(vx0), round(vy0), round(vx1 - vx0), round(vy1 - vy0)],
  countries: [...countries.values()].sort((a, b) => (a.iso3 || '~' + a.name).localeCompare(b.iso3 || '~' + b.name)),
  markers: markers.sort((a, b) => a.iso3.localeCompare(b.iso3)),
};
process.stdout.write(JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{') + '\n');
