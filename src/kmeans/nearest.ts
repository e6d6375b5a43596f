/**
 * Nearest-centroid search that skips most centroids: each centroid keeps the others sorted by distance,
 * and a search that starts from a good guess g (distance u to the point) can stop at the first neighbour
 * of g farther than 2u, since no centroid beyond it can be nearer (triangle inequality).
 */

/** Below this largest drift since the last rebuild, moved centroids keep their sorted lists. */
const REBUILD_DRIFT = 2;

/**
 * Centroid-to-centroid distances, sorted per centroid. When centroids move only a little (the long tail
 * of Lloyd's iterations), the lists are kept and read as lower bounds loosened by how far the centroids
 * drifted since they were sorted; past REBUILD_DRIFT they are sorted again.
 */
export class CentroidIndex {
  k = 0;
  centroids: Float64Array = new Float64Array(0);
  /** Where the centroids were when the lists were sorted. */
  private sortedAt = new Float64Array(0);
  /** Per centroid: its drift since the sort plus the largest drift: subtract from its list's distances. */
  slack = new Float64Array(0);
  private nearestOther = new Float64Array(0);
  /** neighbours[g * k + i]: the i-th nearest other centroid of g (i = 0 .. k-2). */
  neighbours = new Uint16Array(0);
  /** Distances matching `neighbours`. */
  distances = new Float64Array(0);
  /** Half the distance from each centroid to its nearest other centroid (Hamerly's s). */
  half = new Float64Array(0);

  /**
   * Sorting k lists of k-1 floats with a comparator costs more than an iteration at k = 256, so each
   * neighbour is sorted as one integer key: its distance rounded down to 1/16 (high bits) and its index
   * (low 8 bits). `distances` then holds those rounded-down values: lower bounds, which keep the early stop
   * exact (every centroid after the stop is at least that far).
   */
  rebuild(centroids: Float64Array): void {
    const k = centroids.length / 3;
    if (k !== this.k) {
      this.k = k;
      this.neighbours = new Uint16Array(k * k);
      this.distances = new Float64Array(k * k);
      this.half = new Float64Array(k);
      this.slack = new Float64Array(k);
      this.nearestOther = new Float64Array(k);
    }
    this.centroids = centroids;
    this.sortedAt = Float64Array.from(centroids);
    this.slack.fill(0);
    const keys = new Uint32Array(k * k);
    const half = this.half.fill(Infinity);
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const dr = centroids[a * 3]! - centroids[b * 3]!;
        const dg = centroids[a * 3 + 1]! - centroids[b * 3 + 1]!;
        const db = centroids[a * 3 + 2]! - centroids[b * 3 + 2]!;
        const d = Math.sqrt(dr * dr + dg * dg + db * db);
        if (d < half[a]! * 2) half[a] = d / 2;
        if (d < half[b]! * 2) half[b] = d / 2;
        const q = Math.floor(d * 16) << 8;
        keys[a * k + b] = q | b;
        keys[b * k + a] = q | a;
      }
      // The centroid itself sorts last and is never read (only k - 1 neighbours are).
      keys[a * k + a] = 0xffffffff;
    }
    for (let g = 0; g < k; g++) {
      const row = keys.subarray(g * k, g * k + k);
      row.sort();
      for (let i = 0; i < k - 1; i++) {
        const key = row[i]!;
        this.neighbours[g * k + i] = key & 255;
        this.distances[g * k + i] = (key >>> 8) / 16;
      }
      this.nearestOther[g] = half[g]! * 2;
    }
  }

  /**
   * The centroids moved (in place or to a new array): keep the sorted lists when every centroid is within
   * REBUILD_DRIFT of where it was sorted, loosening the bounds by the drift; sort again otherwise.
   */
  moved(centroids: Float64Array): void {
    const k = this.k;
    const drift = new Float64Array(k);
    let max = 0;
    for (let j = 0; j < k; j++) {
      const dr = centroids[j * 3]! - this.sortedAt[j * 3]!;
      const dg = centroids[j * 3 + 1]! - this.sortedAt[j * 3 + 1]!;
      const db = centroids[j * 3 + 2]! - this.sortedAt[j * 3 + 2]!;
      drift[j] = Math.sqrt(dr * dr + dg * dg + db * db);
      if (drift[j]! > max) max = drift[j]!;
    }
    if (max > REBUILD_DRIFT) {
      this.rebuild(centroids);
      return;
    }
    this.centroids = centroids;
    for (let g = 0; g < k; g++) {
      // True distances to g's neighbours are at least the sorted ones less both centroids' drift.
      this.slack[g] = drift[g]! + max;
      this.half[g] = Math.max(0, this.nearestOther[g]! - this.slack[g]!) / 2;
    }
  }
}

/** Output of a search: nearest centroid, its squared distance, and a lower bound on the second nearest distance. */
export interface Nearest {
  best: number;
  bestD2: number;
  /** The distance (not squared) to the nearest centroid other than `best`: a lower bound for all of them. */
  secondLower: number;
}

/**
 * The nearest centroid of the point (r, g, b), starting from `guess`, and the exact distance to the second
 * nearest (Hamerly's lower bound: the tighter it is, the more points skip the next iteration). Scanning g's
 * neighbours in order of distance from g, a neighbour at cc from g is at least cc - u from the point, so
 * the scan stops once cc exceeds both 2u (nothing nearer than the best is left) and u + second (nothing
 * nearer than the second is left). Ties go to the lowest index, as in a plain scan.
 */
export function nearestFrom(index: CentroidIndex, r: number, g: number, b: number, guess: number, out: Nearest): void {
  const { k, centroids, neighbours, distances } = index;
  const slack = index.slack[guess]!;
  let dr = r - centroids[guess * 3]!;
  let dg = g - centroids[guess * 3 + 1]!;
  let db = b - centroids[guess * 3 + 2]!;
  const guessD2 = dr * dr + dg * dg + db * db;
  const u = Math.sqrt(guessD2);
  let best = guess;
  let bestD2 = guessD2;
  let secondD2 = Infinity;
  let second = Infinity;
  let limit = Infinity;
  const base = guess * k;
  for (let i = 0; i < k - 1; i++) {
    if (distances[base + i]! - slack > limit) break;
    const j = neighbours[base + i]!;
    dr = r - centroids[j * 3]!;
    dg = g - centroids[j * 3 + 1]!;
    db = b - centroids[j * 3 + 2]!;
    const d2 = dr * dr + dg * dg + db * db;
    if (d2 < bestD2 || (d2 === bestD2 && j < best)) {
      secondD2 = bestD2;
      bestD2 = d2;
      best = j;
    } else if (d2 < secondD2) {
      secondD2 = d2;
    } else {
      continue;
    }
    second = Math.sqrt(secondD2);
    limit = Math.max(2 * u, u + second);
  }
  out.best = best;
  out.bestD2 = bestD2;
  out.secondLower = second;
}
