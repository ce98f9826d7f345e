/// A contiguous run of `count` elements at `offset` inside a ``DeviceStorage``.
///
/// Shapes are carried by the ops that use a view (they know B, T, H…); a view only promises how
/// many elements it spans, and every op checks that promise once, when it is validated.
public struct TensorRef<Element: DeviceElement>: Hashable, @unchecked Sendable {
    public let storage: DeviceStorage
    public let offset: Int
    public let count: Int

    public init(storage: DeviceStorage, offset: Int = 0, count: Int) {
        precondition(storage.elementType == Element.deviceType, "storage holds \(storage.elementType), view wants \(Element.deviceType)")
        precondition(offset >= 0 && count >= 0 && offset + count <= storage.elementCount,
                     "view [\(offset), \(offset + count)) lies outside a storage of \(storage.elementCount) elements")
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    /// The sub-view `[start, start + count)` relative to this view.
    public func slice(_ start: Int, _ count: Int) -> TensorRef {
        precondition(start >= 0 && count >= 0 && start + count <= self.count,
                     "slice [\(start), \(start + count)) lies outside a view of \(self.count) elements")
        return TensorRef(storage: storage, offset: offset + start, count: count)
    }

    /// The `index`-th of `count / width` consecutive rows of `width` elements (a timestep of a
    /// time-major sequence, for example).
    public func row(_ index: Int, width: Int) -> TensorRef { slice(index * width, width) }

    /// True when the two views share at least one element.
    public func overlaps<Other>(_ other: TensorRef<Other>) -> Bool {
        storage === other.storage && offset < other.offset + other.count && other.offset < offset + count
    }
}

public typealias FloatRef = TensorRef<Float>
public typealias IntRef = TensorRef<Int32>
