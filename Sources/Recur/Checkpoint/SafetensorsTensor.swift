import Foundation

/// One named tensor of a safetensors file: its element type, its shape (row-major, outermost
/// dimension first; `[]` for a scalar) and its raw little-endian bytes.
///
/// The bytes are kept as they are in the file, whatever the dtype; ``floats()`` and its
/// siblings in `SafetensorsTensor+Elements.swift` decode them on request.
public struct SafetensorsTensor: Equatable, Sendable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Raw little-endian element bytes, `elementCount × dtype.byteWidth` of them.
    public let data: Data

    /// Makes a tensor from raw bytes.
    ///
    /// - Throws: ``CheckpointError/reservedTensorName(_:)`` for `"__metadata__"`,
    ///   ``CheckpointError/invalidShape(tensor:shape:)`` for a negative dimension or an element
    ///   count that overflows, and ``CheckpointError/byteCountMismatch(tensor:dtype:shape:expected:found:)``
    ///   when `data` is not exactly the size the dtype and shape call for.
    public init(name: String, dtype: SafetensorsDType, shape: [Int], data: Data) throws {
        guard name != SafetensorsFile.metadataKey else { throw CheckpointError.reservedTensorName(name) }
        guard let expected = Self.byteCount(dtype: dtype, shape: shape) else {
            throw CheckpointError.invalidShape(tensor: name, shape: shape)
        }
        guard data.count == expected else {
            throw CheckpointError.byteCountMismatch(
                tensor: name, dtype: dtype, shape: shape, expected: expected, found: data.count)
        }
        self.name = name
        self.dtype = dtype
        self.shape = shape
        // A fresh copy so indices start at 0 even when `data` is a slice of a larger buffer.
        self.data = Data(data)
    }

    /// The number of elements: the product of the shape (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// `product(shape) × byteWidth`, or nil when a dimension is negative or the product overflows.
    static func byteCount(dtype: SafetensorsDType, shape: [Int]) -> Int? {
        var count = dtype.byteWidth
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}
