/// One allocation owned by a backend: on the CPU a block of host memory, on OpenCL a `cl_mem`.
///
/// Ops never see storages directly; they take ``TensorRef`` views (storage + offset + count), so a
/// whole training step can live in one arena allocation and kernels address it by offset.
public final class DeviceStorage: Hashable, @unchecked Sendable {
    public let elementCount: Int
    public let elementType: DeviceElementType
    /// The backend's own handle; each backend downcasts it to the type it created.
    public let handle: AnyObject
    /// Identifies the backend instance that allocated this storage.
    public let ownerID: ObjectIdentifier

    public init(elementCount: Int, elementType: DeviceElementType, handle: AnyObject, ownerID: ObjectIdentifier) {
        self.elementCount = elementCount
        self.elementType = elementType
        self.handle = handle
        self.ownerID = ownerID
    }

    public static func == (lhs: DeviceStorage, rhs: DeviceStorage) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// The element types a device tensor can hold: activations and weights are `Float`, token ids,
/// labels and index tables are `Int32`.
public enum DeviceElementType: String, Sendable {
    case float32, int32
}

/// A Swift type that can live in a ``DeviceStorage``.
public protocol DeviceElement: Sendable {
    static var deviceType: DeviceElementType { get }
}
extension Float: DeviceElement { public static var deviceType: DeviceElementType { .float32 } }
extension Int32: DeviceElement { public static var deviceType: DeviceElementType { .int32 } }
