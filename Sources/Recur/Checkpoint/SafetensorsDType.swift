/// The element type of a tensor in a safetensors file, spelled as the header spells it.
///
/// The cases are declared in the reference implementation's alignment order (smallest first):
/// ``SafetensorsFile/serialized()`` writes tensors with the widest alignment first, so every
/// tensor starts on a multiple of its element size and the bytes match the official library's.
/// Sub-byte types (`F4`, `F6_*`) are not supported and read as an unknown dtype.
public enum SafetensorsDType: String, CaseIterable, Sendable, Comparable {
    case bool = "BOOL"
    case uint8 = "U8"
    case int8 = "I8"
    case float8E5M2 = "F8_E5M2"
    case float8E4M3 = "F8_E4M3"
    case float8E8M0 = "F8_E8M0"
    case int16 = "I16"
    case uint16 = "U16"
    case float16 = "F16"
    case bfloat16 = "BF16"
    case int32 = "I32"
    case uint32 = "U32"
    case float32 = "F32"
    case complex64 = "C64"
    case float64 = "F64"
    case int64 = "I64"
    case uint64 = "U64"

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .bool, .uint8, .int8, .float8E5M2, .float8E4M3, .float8E8M0: return 1
        case .int16, .uint16, .float16, .bfloat16: return 2
        case .int32, .uint32, .float32: return 4
        case .complex64, .float64, .int64, .uint64: return 8
        }
    }

    /// The header spelling, e.g. `"F32"`.
    public var name: String { rawValue }

    private var alignmentRank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.alignmentRank < rhs.alignmentRank }
}
