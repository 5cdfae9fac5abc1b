import CDedupKernels
import Foundation
import Testing

@testable import DedupCore

/// The index's C loops, dispatched (AVX2 and POPCNT where the CPU has them) and portable, give what the
/// plain Swift arithmetic gives: the same distances, histogram and eligible count, the same dot products.
struct IndexKernelsTests {
    /// Rows of a few groups, some expired, with sketches that range from equal to the probe to its
    /// complement (distance 256, which the kernel caps at 254).
    @Test(arguments: [0, 1, 7, 64, 1001])
    func sketchDistancesMatchSwift(_ rows: Int) {
        var generator = SeededGenerator(seed: UInt64(rows) + 11)
        let probe = (0..<4).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
        var sketches: [UInt64] = []
        for row in 0..<rows {
            switch row % 4 {
            case 0: sketches += probe
            case 1: sketches += probe.map { ~$0 }
            default: sketches += (0..<4).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
            }
        }
        let groups = (0..<rows).map { _ in UInt64.random(in: 0..<3, using: &generator) }
        let expiries = (0..<rows).map { _ in Int64.random(in: 90...110, using: &generator) }
        let now: Int64 = 100

        var expectedDistances = [UInt8](repeating: 0, count: rows)
        var expectedHistogram = [Int](repeating: 0, count: 256)
        var expectedEligible = 0
        for row in 0..<rows {
            guard groups[row] == 1, expiries[row] > now else {
                expectedDistances[row] = 255
                continue
            }
            let bits = (0..<4).reduce(0) { $0 + (sketches[row * 4 + $1] ^ probe[$1]).nonzeroBitCount }
            let distance = min(254, bits)
            expectedDistances[row] = UInt8(distance)
            expectedHistogram[distance] += 1
            expectedEligible += 1
        }
        for kernel in [dedup_sketch_distances, dedup_sketch_distances_portable] {
            var distances = [UInt8](repeating: 0, count: max(1, rows))
            var histogram = [Int](repeating: 0, count: 256)
            let eligible = kernel(probe, sketches, groups, expiries, 1, now, rows, &distances, &histogram)
            #expect(eligible == expectedEligible)
            #expect(Array(distances.prefix(rows)) == expectedDistances)
            #expect(histogram == expectedHistogram)

            // Without the expiry column every row of the group counts, expired or not.
            var allDistances = [UInt8](repeating: 0, count: max(1, rows))
            var allHistogram = [Int](repeating: 0, count: 256)
            let all = kernel(probe, sketches, groups, nil, 1, now, rows, &allDistances, &allHistogram)
            #expect(all == groups.filter { $0 == 1 }.count)
            for row in 0..<rows where groups[row] == 1 && expiries[row] > now {
                #expect(allDistances[row] == expectedDistances[row])
            }
            #expect(allHistogram.reduce(0, +) == all)
        }
    }

    /// The cut keeps every row nearer than the threshold and the first rows at it, in row order, up to
    /// `keep`.
    @Test(arguments: [0, 5, 100, 3000])
    func selectedRowsMatchSwift(_ rows: Int) {
        var generator = SeededGenerator(seed: UInt64(rows) + 5)
        let distances = (0..<rows).map { _ in UInt8.random(in: 0...12, using: &generator) | (rows % 2 == 0 ? 0 : 1) }
        for (threshold, atThreshold, keep) in [(0, 0, 10), (3, 2, 10), (6, 50, 40), (13, 0, rows), (255, 9, 7)] {
            var expected: [Int32] = []
            var left = atThreshold
            for (row, distance) in distances.enumerated() where expected.count < keep {
                if Int(distance) < threshold {
                    expected.append(Int32(row))
                } else if Int(distance) == threshold, left > 0 {
                    expected.append(Int32(row))
                    left -= 1
                }
            }
            var chosen = [Int32](repeating: -1, count: max(1, keep))
            let taken = dedup_select_rows(distances, rows, Int32(threshold), atThreshold, keep, &chosen)
            #expect(Array(chosen.prefix(taken)) == expected)
        }
    }

    /// Dot products at the extremes of both codes (the sums ``SlabQuery`` allows), in any row order and
    /// with repeated rows.
    @Test(arguments: [1, 3, 256, 300])
    func dotProductsMatchSwift(_ dimension: Int) {
        var generator = SeededGenerator(seed: UInt64(dimension))
        let rows = 50
        let top = Int16(min(32767, Int(Int32.max) / (127 * dimension)))
        let query = (0..<dimension)
            .map { index in index % 5 == 0 ? top : Int16.random(in: -top...top, using: &generator) }
        let codes = (0..<(rows * dimension))
            .map { index in
                index % 7 == 0 ? Int8.min + 1 : Int8.random(in: -127...127, using: &generator)
            }
        let picked = (0..<40).map { _ in Int32.random(in: 0..<Int32(rows), using: &generator) }
        let expected = picked.map { row in
            (0..<dimension).reduce(Int32(0)) { $0 + Int32(query[$1]) * Int32(codes[Int(row) * dimension + $1]) }
        }
        for kernel in [dedup_dot_rows, dedup_dot_rows_portable] {
            var scores = [Int32](repeating: 0, count: picked.count)
            kernel(query, codes, dimension, picked, picked.count, &scores)
            #expect(scores == expected)
        }
    }

    #if arch(x86_64) && os(Linux)
    /// Where the CPU has AVX2 and POPCNT (every x86-64 machine this service is benchmarked on), the
    /// accelerated loops are the ones running.
    @Test func theAcceleratedLoopsRunWhereTheCPUHasThem() throws {
        let flags = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let words = Set(flags.split(whereSeparator: \.isWhitespace))
        let capable = words.contains("avx2") && words.contains("popcnt")
        #expect(dedup_kernels_accelerated() == (capable ? 1 : 0))
    }
    #endif
}
