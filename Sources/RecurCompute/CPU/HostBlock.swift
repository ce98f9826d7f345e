import Glibc

/// A 64-byte-aligned block of host memory: the CPU backend's storage.
///
/// A block of 2 MiB or more (a plan's arena, a large tensor) is aligned to 2 MiB and asks the
/// kernel for transparent huge pages (`MADV_HUGEPAGE`; Debian's default THP mode, `madvise`,
/// gives them only to memory that asks). A step streams tens of megabytes — saved gates, gate
/// gradients, sequences of states — and on 4 KiB pages every 4 KiB is a TLB miss and a place
/// where the hardware prefetchers stop. Interleaved trainers, medians of 40 steps on the
/// development machine: stacked-bilstm 49.6 → 48.7 and 51.0/49.7 → 49.8/49.3 ms, bilstm
/// 14.25/14.10 → 13.93/14.01. Where THP is off the advice is ignored and nothing changes.
final class HostBlock {
    let raw: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = Swift.max(byteCount, 64)
        let huge = self.byteCount >= Self.hugePage
        let alignment = huge ? Self.hugePage : 64
        // Whole huge pages, so that the advice covers the block's last one too.
        let allocated = (self.byteCount + alignment - 1) / alignment * alignment
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, alignment, allocated) == 0, let memory else {
            fatalError("out of host memory: \(allocated) bytes")
        }
        // Advice only: refused (THP off, an old kernel), the block is ordinary memory.
        if huge { _ = madvise(memory, allocated, MADV_HUGEPAGE) }
        raw = memory
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: self.byteCount)
    }

    deinit { free(raw) }

    /// The transparent huge page size on x86-64 (and arm64 with 4 KiB pages).
    static let hugePage = 1 << 21
}

extension TensorRef {
    /// The tensor's first element in host memory; only valid for CPU-backend storages.
    @inline(__always)
    var hostPointer: UnsafeMutablePointer<Element> {
        (storage.handle as! HostBlock).raw.assumingMemoryBound(to: Element.self) + offset
    }
}
