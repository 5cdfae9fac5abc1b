import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the latency benchmark measures of the process and the machine: resident memory and the memory
/// bandwidth one core gets, so a check's time can be set against the time just reading its bytes takes.
enum MemoryProbe {
    /// Resident set size in bytes, from `/proc/self/statm` (0 where there is none).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Hands freed heap memory back to the system, so RSS counts live data, not load-time garbage.
    static func trimHeap() {
        #if canImport(Glibc)
        // glibc's malloc_trim is not in the Glibc module map; look it up (nil handle: the default scope).
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        #endif
    }

    /// Bytes per second one thread reads from a buffer far larger than any cache: the best of `repeats`
    /// sums over `bytes` bytes.
    static func readBandwidth(bytes: Int = 512 << 20, repeats: Int = 5) -> Double {
        let words = bytes / 8
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: words)
        defer { buffer.deallocate() }
        for index in 0..<words { buffer[index] = UInt64(truncatingIfNeeded: index) }
        var best = Double.infinity
        var check: UInt64 = 0
        for _ in 0..<repeats {
            let start = ContinuousClock.now
            check &+= sum(UnsafeBufferPointer(buffer))
            best = min(best, (ContinuousClock.now - start).seconds)
        }
        // Keeps the sums from being optimised away.
        if check == 42 { print("") }
        return Double(words * 8) / best
    }

    @inline(never)
    private static func sum(_ buffer: UnsafeBufferPointer<UInt64>) -> UInt64 {
        var total = SIMD8<UInt64>()
        var index = 0
        while index + 8 <= buffer.count {
            total &+= UnsafeRawPointer(buffer.baseAddress! + index).loadUnaligned(as: SIMD8<UInt64>.self)
            index += 8
        }
        return total.wrappedSum()
    }
}
