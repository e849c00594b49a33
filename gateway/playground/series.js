// What the playground can draw from a GraphQL result (see page.js): every time series — a TimeSeries'
// `readings`, its compact `values` (placed by `starts` when asked for), or any list of `{ start, value }`
// such as EnerKey's monthly values — and every `data:image/…` URL, each labelled with the thing it
// belongs to. A plain ES module with no dependencies: the browser loads it as it is, and the unit test
// imports it.

/** Fields that name the object a series belongs to, best first. */
const NAME_FIELDS = ['name', 'meterNumber', 'ean', 'meterPointId', 'id'];

/**
 * @param {unknown} data a GraphQL result's `data`
 * @returns {{ series: Array<{ label: string, unit: string | null, timeZone: string | null, timed: boolean, points: Array<{ x: number, y: number | null }> }>, images: Array<{ label: string, src: string }> }}
 */
export function chartables(data) {
  const series = [];
  const images = [];
  visit(data, [], null);
  return { series, images };

  function visit(value, path, owner) {
    if (typeof value === 'string') {
      // Labelled by the field holding the URL's object: `chart`, not `dataUrl`.
      if (value.startsWith('data:image/')) images.push({ label: labelOf(path.length > 1 ? path.slice(0, -1) : path, owner), src: value });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item) => visit(item, path, owner));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const here = nameOf(value) ?? owner;
    const unit = typeof value.unit === 'string' ? value.unit : null;
    const timeZone = typeof value.timeZone === 'string' ? value.timeZone : null;
    const lists = Object.entries(value).filter(([, child]) => isPointList(child));
    for (const [key, list] of lists) {
      const points = list.map((point) => ({ x: Date.parse(point.start), y: point.value }));
      series.push({
        label: labelOf(key === 'readings' || key === 'values' ? path : [...path, key], owner),
        unit,
        timeZone,
        timed: true,
        points,
      });
    }
    const compact = lists.length === 0 ? compactPoints(value) : null;
    if (compact) series.push({ label: labelOf(path, owner), unit, timeZone, ...compact });
    for (const [key, child] of Object.entries(value)) {
      if (lists.some(([listKey]) => listKey === key) || (compact && (key === 'values' || key === 'starts'))) continue;
      visit(child, [...path, key], here);
    }
  }
}

function isPointList(value) {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (point) =>
        point !== null &&
        typeof point === 'object' &&
        typeof point.start === 'string' &&
        !Number.isNaN(Date.parse(point.start)) &&
        (point.value === null || typeof point.value === 'number'),
    )
  );
}

/** The compact form: `values` of numbers (null where missing), at `starts` when those came too, else by position. */
function compactPoints(object) {
  const { values, starts } = object;
  if (!Array.isArray(values) || values.length === 0 || !values.every((value) => value === null || typeof value === 'number')) return null;
  const timed = Array.isArray(starts) && starts.length === values.length && starts.every((start) => typeof start === 'string');
  return { timed, points: values.map((y, index) => ({ x: timed ? Date.parse(starts[index]) : index, y })) };
}

function nameOf(object) {
  for (const field of NAME_FIELDS) {
    const value = object[field];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return null;
}

/** "<owner> · <field>": the nearest named object above it and the field it came from. */
function labelOf(path, owner) {
  const field = path.at(-1) ?? 'result';
  return owner ? `${owner} · ${field}` : field;
}
