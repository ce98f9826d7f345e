/// A 64-byte-aligned block of host memory: the CPU backend's storage.
final class HostBlock {
    let raw: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = Swift.max(byteCount, 64)
        raw = UnsafeMutableRawPointer.allocate(byteCount: self.byteCount, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: self.byteCount)
    }

    deinit { raw.deallocate() }
}

extension TensorRef {
    /// The tensor's first element in host memory; only valid for CPU-backend storages.
    @inline(__always)
    var hostPointer: UnsafeMutablePointer<Element> {
        (storage.handle as! HostBlock).raw.assumingMemoryBound(to: Element.self) + offset
    }
}
