#include "DedupKernels.h"

#include <stdatomic.h>

// Each loop is written once, as an always-inlined body, and instantiated per target below: the compiler
// vectorises the AVX2 copy with 256-bit lanes and counts bits with POPCNT there.

static inline __attribute__((always_inline)) intptr_t sketch_distances_body(
    const uint64_t *probe, const uint64_t *sketches, const uint64_t *groups, const int64_t *expiries,
    uint64_t group, int64_t now, intptr_t rows, uint8_t *distances, intptr_t *histogram) {
    const uint64_t p0 = probe[0], p1 = probe[1], p2 = probe[2], p3 = probe[3];
    intptr_t eligible = 0;
    for (intptr_t row = 0; row < rows; row++) {
        if (groups[row] != group || (expiries != 0 && expiries[row] <= now)) {
            distances[row] = 255;
            continue;
        }
        const uint64_t *s = sketches + 4 * row;
        int distance = __builtin_popcountll(s[0] ^ p0) + __builtin_popcountll(s[1] ^ p1)
            + __builtin_popcountll(s[2] ^ p2) + __builtin_popcountll(s[3] ^ p3);
        if (distance > 254) distance = 254;
        distances[row] = (uint8_t)distance;
        histogram[distance] += 1;
        eligible += 1;
    }
    return eligible;
}

static inline __attribute__((always_inline)) void dot_rows_body(
    const int16_t *query, const int8_t *codes, intptr_t dimension, const int32_t *rows, intptr_t count,
    int32_t *scores) {
    // Rows are scattered over the codes: fetching the one a few places ahead hides most of the wait.
    enum { ahead = 4 };
    for (intptr_t i = 0; i < count; i++) {
        if (i + ahead < count) {
            const int8_t *next = codes + (intptr_t)rows[i + ahead] * dimension;
            for (intptr_t offset = 0; offset < dimension; offset += 64) __builtin_prefetch(next + offset);
        }
        const int8_t *row = codes + (intptr_t)rows[i] * dimension;
        int32_t sum = 0;
        for (intptr_t d = 0; d < dimension; d++) sum += (int32_t)query[d] * (int32_t)row[d];
        scores[i] = sum;
    }
}

intptr_t dedup_select_rows(
    const uint8_t *distances, intptr_t rows, int threshold, intptr_t at_threshold, intptr_t keep,
    int32_t *chosen) {
    intptr_t taken = 0;
    for (intptr_t row = 0; row < rows && taken < keep; row++) {
        const int distance = distances[row];
        if (distance < threshold || (distance == threshold && at_threshold > 0)) {
            if (distance == threshold) at_threshold -= 1;
            chosen[taken++] = (int32_t)row;
        }
    }
    return taken;
}

intptr_t dedup_sketch_distances_portable(
    const uint64_t *probe, const uint64_t *sketches, const uint64_t *groups, const int64_t *expiries,
    uint64_t group, int64_t now, intptr_t rows, uint8_t *distances, intptr_t *histogram) {
    return sketch_distances_body(probe, sketches, groups, expiries, group, now, rows, distances, histogram);
}

void dedup_dot_rows_portable(
    const int16_t *query, const int8_t *codes, intptr_t dimension, const int32_t *rows, intptr_t count,
    int32_t *scores) {
    dot_rows_body(query, codes, dimension, rows, count, scores);
}

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define DEDUP_KERNELS_X86 1

__attribute__((target("avx2,popcnt"))) static intptr_t sketch_distances_avx2(
    const uint64_t *probe, const uint64_t *sketches, const uint64_t *groups, const int64_t *expiries,
    uint64_t group, int64_t now, intptr_t rows, uint8_t *distances, intptr_t *histogram) {
    return sketch_distances_body(probe, sketches, groups, expiries, group, now, rows, distances, histogram);
}

__attribute__((target("avx2,popcnt"))) static void dot_rows_avx2(
    const int16_t *query, const int8_t *codes, intptr_t dimension, const int32_t *rows, intptr_t count,
    int32_t *scores) {
    dot_rows_body(query, codes, dimension, rows, count, scores);
}

int dedup_kernels_accelerated(void) {
    // Cached after the first call; two first calls at once only compute the same answer twice.
    static _Atomic int answer = -1;
    int known = atomic_load_explicit(&answer, memory_order_relaxed);
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt") ? 1 : 0;
        atomic_store_explicit(&answer, known, memory_order_relaxed);
    }
    return known;
}

#else

// Elsewhere (ARM: NEON and a bit count are in the base instruction set) the portable build is the fast one.
int dedup_kernels_accelerated(void) { return 0; }

#endif

intptr_t dedup_sketch_distances(
    const uint64_t *probe, const uint64_t *sketches, const uint64_t *groups, const int64_t *expiries,
    uint64_t group, int64_t now, intptr_t rows, uint8_t *distances, intptr_t *histogram) {
#ifdef DEDUP_KERNELS_X86
    if (dedup_kernels_accelerated())
        return sketch_distances_avx2(probe, sketches, groups, expiries, group, now, rows, distances, histogram);
#endif
    return dedup_sketch_distances_portable(probe, sketches, groups, expiries, group, now, rows, distances, histogram);
}

void dedup_dot_rows(
    const int16_t *query, const int8_t *codes, intptr_t dimension, const int32_t *rows, intptr_t count,
    int32_t *scores) {
#ifdef DEDUP_KERNELS_X86
    if (dedup_kernels_accelerated()) {
        dot_rows_avx2(query, codes, dimension, rows, count, scores);
        return;
    }
#endif
    dedup_dot_rows_portable(query, codes, dimension, rows, count, scores);
}
