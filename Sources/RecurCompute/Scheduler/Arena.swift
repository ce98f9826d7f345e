/// Where each tensor of a plan lives: reserved by name while the plan is built, then allocated
/// as ONE storage per element type, so a training step allocates nothing.
public struct ArenaLayout: Sendable {
    public struct Slot: Hashable, Sendable {
        public let offset: Int
        public let count: Int
        public let type: DeviceElementType
    }

    /// Offsets are rounded up to 16 elements (64 bytes) so every tensor starts cache-line and
    /// vector aligned.
    static let alignment = 16
    public private(set) var floatCount = 0
    public private(set) var intCount = 0
    public private(set) var names: [String: Slot] = [:]

    public init() {}

    public mutating func reserve(_ name: String, _ count: Int, _ type: DeviceElementType = .float32) -> Slot {
        precondition(names[name] == nil, "arena already has a tensor named '\(name)'")
        precondition(count > 0, "arena tensor '\(name)' must have at least one element, got \(count)")
        let slot: Slot
        switch type {
        case .float32:
            slot = Slot(offset: floatCount, count: count, type: type)
            floatCount = Self.aligned(floatCount + count)
        case .int32:
            slot = Slot(offset: intCount, count: count, type: type)
            intCount = Self.aligned(intCount + count)
        }
        names[name] = slot
        return slot
    }

    static func aligned(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }

    /// Bytes the arena takes on the device.
    public var byteCount: Int { (floatCount + intCount) * 4 }
}

/// An allocated ``ArenaLayout`` on one backend.
public final class Arena {
    public let layout: ArenaLayout
    public let floats: DeviceStorage?
    public let ints: DeviceStorage?

    public init(_ layout: ArenaLayout, on backend: Backend) throws {
        self.layout = layout
        floats = layout.floatCount > 0 ? try backend.allocate(.float32, count: layout.floatCount) : nil
        ints = layout.intCount > 0 ? try backend.allocate(.int32, count: layout.intCount) : nil
    }

    public subscript(_ slot: ArenaLayout.Slot) -> FloatRef {
        precondition(slot.type == .float32, "slot holds \(slot.type), not float32")
        return FloatRef(storage: floats!, offset: slot.offset, count: slot.count)
    }

    public func ints(_ slot: ArenaLayout.Slot) -> IntRef {
        precondition(slot.type == .int32, "slot holds \(slot.type), not int32")
        return IntRef(storage: ints!, offset: slot.offset, count: slot.count)
    }

    public subscript(_ name: String) -> FloatRef {
        guard let slot = layout.names[name] else { preconditionFailure("arena has no tensor named '\(name)'") }
        return self[slot]
    }
}
