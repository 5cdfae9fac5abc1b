// The index's inner loops in C. The sketch distances and the Int8 dot products are compiled twice, once
// for any x86-64 (or ARM) CPU and once with AVX2 and POPCNT, chosen at run time: Swift has no per-function
// target attribute, and the package's default target (SSE2) counts bits with a dozen instructions per
// word and widens Int8 lanes by hand — the sketch and rescoring stages of a search are bound by exactly
// that arithmetic. The cut between them is a plain loop, compiled once.
#ifndef DEDUP_KERNELS_H
#define DEDUP_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For each of `rows` rows: when `groups[row] == group` and `expiries[row] > now`, the Hamming distance
/// between `probe` and the row's sketch (4 words at `sketches + 4 * row`), capped at 254, written to
/// `distances[row]` and counted in `histogram[distance]` (256 entries); otherwise 255. Returns how many
/// rows were eligible. `expiries` may be NULL when every row is known to be live: the column is then not
/// read, an eighth less memory traffic.
intptr_t dedup_sketch_distances(
    const uint64_t *probe, const uint64_t *sketches, const uint64_t *groups, const int64_t *expiries,
    uint64_t group, int64_t now, intptr_t rows, uint8_t *distances, intptr_t *histogram);

/// `scores[i] = Σ query[d] × codes[rows[i] × dimension + d]` over `d < dimension`, in 32-bit integers
/// (the caller sizes the query so the sum fits), for `count` rows.
void dedup_dot_rows(
    const int16_t *query, const int8_t *codes, intptr_t dimension, const int32_t *rows, intptr_t count,
    int32_t *scores);

/// Up to `keep` row numbers, in row order, into `chosen`: every row whose distance is below `threshold`,
/// and the first `at_threshold` rows whose distance equals it. Returns how many were written.
intptr_t dedup_select_rows(
    const uint8_t *distances, intptr_t rows, int threshold, intptr_t at_threshold, intptr_t keep,
    int32_t *chosen);

/// The same two loops without the run-time choice, as built for any CPU: what tests compare the
/// dispatched ones with.
intptr_t dedup_sketch_distances_portable(
    const uint64_t *probe, const uint64_t *sketches, const uint64_t *groups, const int64_t *expiries,
    uint64_t group, int64_t now, intptr_t rows, uint8_t *distances, intptr_t *histogram);
void dedup_dot_rows_portable(
    const int16_t *query, const int8_t *codes, intptr_t dimension, const int32_t *rows, intptr_t count,
    int32_t *scores);

/// 1 when the dispatched loops run the AVX2 and POPCNT build on this CPU, 0 when the portable one.
int dedup_kernels_accelerated(void);

#ifdef __cplusplus
}
#endif

#endif
