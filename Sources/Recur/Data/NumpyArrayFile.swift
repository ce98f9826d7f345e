/// One `.npy` array (NumPy's format 1.0–3.0) as Keras's dataset archives hold them: a 1-D array
/// of little-endian integers or booleans, or a 1-D object array (pickled) of integer lists.
enum NumpyArrayFile {
    struct Header: Equatable {
        var descr: String
        var fortranOrder: Bool
        var shape: [Int]
    }

    /// Splits `bytes` into its parsed header and the data after it.
    static func header(_ bytes: [UInt8], path: String, entry: String) throws -> (Header, dataOffset: Int) {
        func fail(_ detail: String) -> DataError { .invalidArray(path: path, entry: entry, detail: detail) }
        guard bytes.count >= 10, bytes[0..<6].elementsEqual([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]) else {
            throw fail("not a .npy array (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("the .npy header is cut off") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw fail(".npy format version \(major).\(bytes[7]) is not one NumPy writes (1, 2 or 3)")
        }
        guard headerStart + headerLength <= bytes.count else { throw fail("the .npy header is cut off") }
        let text = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: text).flatMap(quoted),
              let order = value(of: "fortran_order", in: text),
              let shapeText = value(of: "shape", in: text), shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw fail("cannot read the .npy header \(text.trimmingASCIIWhitespace)")
        }
        let dims = shapeText.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: " ") }
        var shape: [Int] = []
        for dim in dims where !dim.isEmpty {
            guard let n = Int(dim), n >= 0 else { throw fail("cannot read the shape \(shapeText)") }
            shape.append(n)
        }
        return (Header(descr: descr, fortranOrder: order == "True", shape: shape), headerStart + headerLength)
    }

    /// A 1-D integer (or boolean) array.
    static func integers(_ bytes: [UInt8], path: String, entry: String) throws -> [Int64] {
        let (header, offset) = try header(bytes, path: path, entry: entry)
        func fail(_ detail: String) -> DataError { .invalidArray(path: path, entry: entry, detail: detail) }
        guard header.shape.count == 1 else { throw fail("expected a 1-D array of labels, found shape \(header.shape)") }
        let width: Int, signed: Bool
        switch header.descr {
        case "<i8", "|i8": (width, signed) = (8, true)
        case "<u8", "|u8": (width, signed) = (8, false)
        case "<i4", "|i4": (width, signed) = (4, true)
        case "<u4", "|u4": (width, signed) = (4, false)
        case "<i2", "|i2": (width, signed) = (2, true)
        case "<u2", "|u2": (width, signed) = (2, false)
        case "|i1": (width, signed) = (1, true)
        case "|u1", "|b1": (width, signed) = (1, false)
        default: throw fail("expected little-endian integers, found dtype '\(header.descr)'")
        }
        let count = header.shape[0]
        guard bytes.count - offset >= count * width else {
            throw fail("holds \(bytes.count - offset) data bytes, \(count * width) expected for \(count) values")
        }
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { i -> Int64 in
                var value: UInt64 = 0
                for b in 0..<width { value |= UInt64(raw[offset + i * width + b]) << (8 * UInt64(b)) }
                if signed && width < 8 && value & (1 << (8 * UInt64(width) - 1)) != 0 {
                    value |= ~0 << (8 * UInt64(width))
                }
                return Int64(bitPattern: value)
            }
        }
    }

    /// A 1-D object array of integer lists (each review's word indices).
    static func integerLists(_ bytes: [UInt8], path: String, entry: String) throws -> [[Int64]] {
        let (header, offset) = try header(bytes, path: path, entry: entry)
        func fail(_ detail: String) -> DataError { .invalidArray(path: path, entry: entry, detail: detail) }
        guard header.descr == "|O" else {
            throw fail("expected an object array of word-index lists (dtype '|O'), found dtype '\(header.descr)'")
        }
        guard header.shape.count == 1 else { throw fail("expected a 1-D array of sequences, found shape \(header.shape)") }
        let lists = try PickledObjectArrayDecoder(bytes: bytes, start: offset, path: path, entry: entry).decodeIntegerLists()
        guard lists.count == header.shape[0] else {
            throw fail("the header says \(header.shape[0]) sequences, the pickle holds \(lists.count)")
        }
        return lists
    }

    /// The text after `'key':` up to the next top-level comma or closing brace.
    private static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var depth = 0
        var result = ""
        for ch in header[range.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if depth == 0 && (ch == "," || ch == "}") { break }
            result.append(ch)
            if depth < 0 { return nil }
        }
        return result.trimmingASCIIWhitespace
    }

    private static func quoted(_ text: String) -> String? {
        guard text.count >= 2, let first = text.first, first == text.last, first == "'" || first == "\"" else { return nil }
        return String(text.dropFirst().dropLast())
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
