import Foundation

// Typed views of a tensor's bytes: encode Swift arrays as little-endian tensors, and decode
// tensors back, widening the float types the ecosystem stores (F16, BF16, F64) on request.

extension SafetensorsTensor {
    /// An `F32` tensor. - Throws: ``CheckpointError`` when `values.count` does not fit `shape`.
    public init(name: String, floats values: [Float], shape: [Int]) throws {
        try self.init(name: name, dtype: .float32, shape: shape,
                      data: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An `F64` tensor. - Throws: ``CheckpointError`` when `values.count` does not fit `shape`.
    public init(name: String, doubles values: [Double], shape: [Int]) throws {
        try self.init(name: name, dtype: .float64, shape: shape,
                      data: Self.littleEndianBytes(values.map(\.bitPattern)))
    }

    /// An `I32` tensor. - Throws: ``CheckpointError`` when `values.count` does not fit `shape`.
    public init(name: String, int32s values: [Int32], shape: [Int]) throws {
        try self.init(name: name, dtype: .int32, shape: shape, data: Self.littleEndianBytes(values))
    }

    /// An `I64` tensor. - Throws: ``CheckpointError`` when `values.count` does not fit `shape`.
    public init(name: String, int64s values: [Int64], shape: [Int]) throws {
        try self.init(name: name, dtype: .int64, shape: shape, data: Self.littleEndianBytes(values))
    }

    /// The elements as `Float`, converting `F16`, `BF16` and `F64` (rounding to nearest).
    /// - Throws: ``CheckpointError/notConvertible(tensor:dtype:requested:)`` for other dtypes.
    public func floats() throws -> [Float] {
        switch dtype {
        case .float32: return decodeIntegers(UInt32.self).map(Float.init(bitPattern:))
        case .float64: return decodeIntegers(UInt64.self).map { Float(Double(bitPattern: $0)) }
        case .float16: return decodeIntegers(UInt16.self).map(Self.float(fromHalfBits:))
        case .bfloat16: return decodeIntegers(UInt16.self).map { Float(bitPattern: UInt32($0) << 16) }
        default: throw CheckpointError.notConvertible(tensor: name, dtype: dtype, requested: "Float")
        }
    }

    /// The elements as `Double`, from any of the float dtypes `floats()` accepts (exactly).
    /// - Throws: ``CheckpointError/notConvertible(tensor:dtype:requested:)`` for other dtypes.
    public func doubles() throws -> [Double] {
        if dtype == .float64 { return decodeIntegers(UInt64.self).map(Double.init(bitPattern:)) }
        do {
            return try floats().map(Double.init)
        } catch {
            throw CheckpointError.notConvertible(tensor: name, dtype: dtype, requested: "Double")
        }
    }

    /// The elements of an `I32` tensor.
    /// - Throws: ``CheckpointError/notConvertible(tensor:dtype:requested:)`` for other dtypes.
    public func int32s() throws -> [Int32] {
        guard dtype == .int32 else {
            throw CheckpointError.notConvertible(tensor: name, dtype: dtype, requested: "Int32")
        }
        return decodeIntegers(Int32.self)
    }

    /// The elements of an `I64` or `I32` tensor, as `Int64`.
    /// - Throws: ``CheckpointError/notConvertible(tensor:dtype:requested:)`` for other dtypes.
    public func int64s() throws -> [Int64] {
        switch dtype {
        case .int64: return decodeIntegers(Int64.self)
        case .int32: return decodeIntegers(Int32.self).map(Int64.init)
        default: throw CheckpointError.notConvertible(tensor: name, dtype: dtype, requested: "Int64")
        }
    }

    /// IEEE 754 binary16 to binary32; exact, since every half value is a float value.
    static func float(fromHalfBits bits: UInt16) -> Float {
        let sign: UInt32 = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        switch exponent {
        case 0:  // zero or subnormal: mantissa × 2⁻²⁴
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:  // infinity or NaN, payload kept
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:  // rebias 15 → 127
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> Data {
        let width = MemoryLayout<T>.size
        var data = Data(count: values.count * width)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.littleEndian, toByteOffset: index * width, as: T.self)
            }
        }
        return data
    }

    private func decodeIntegers<T: FixedWidthInteger>(_: T.Type) -> [T] {
        let width = MemoryLayout<T>.size
        return data.withUnsafeBytes { raw in
            (0..<raw.count / width).map {
                T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * width, as: T.self))
            }
        }
    }
}
