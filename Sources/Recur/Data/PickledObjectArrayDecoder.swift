/// Decodes the pickle NumPy writes for a 1-D object array whose items are lists of integers —
/// exactly what Keras's `imdb.npz` holds — without executing anything. It is a small pickle
/// machine (protocols 2 to 5; Python 2's byte strings included, as the real file was written by
/// Python 2) that knows the opcodes such a pickle uses and only these globals: the three Keras's
/// own restricted unpickler allows (`numpy[._]core.multiarray._reconstruct`, `numpy.ndarray`,
/// `numpy.dtype`) and `_codecs.encode` (how Python 3's protocol 2 spells bytes). "Calling" one
/// of them only builds a description of the array; any other global, opcode or shape is an
/// error naming it and its byte offset.
struct PickledObjectArrayDecoder {
    let bytes: [UInt8]
    let start: Int
    let path: String
    let entry: String

    /// A list, shared by reference as pickle lists are (the memo can hand the same one out).
    final class ListBox {
        var ints: [Int64] = []
        var objects: [Value] = []
    }

    final class ArrayBox {
        var items: [Value]?
        var shape: [Int] = []
    }

    indirect enum Value {
        case int(Int64)
        case bool(Bool)
        case none
        case float(Double)
        case string(String)
        case bytes([UInt8])
        case tuple([Value])
        case list(ListBox)
        case global(module: String, name: String)
        case array(ArrayBox)
        case dtype(String)

        /// A Python 3 str, or a Python 2 str (pickled as bytes) read as ASCII.
        var text: String? {
            switch self {
            case let .string(s): return s
            case let .bytes(b): return String(decoding: b, as: UTF8.self)
            default: return nil
            }
        }
    }

    init(bytes: [UInt8], start: Int, path: String, entry: String) {
        self.bytes = bytes
        self.start = start
        self.path = path
        self.entry = entry
    }

    func fail(_ detail: String, at offset: Int) -> DataError {
        .invalidArray(path: path, entry: entry, detail: "pickle byte \(offset - start): \(detail); only NumPy object arrays of integer lists are read")
    }

    func decodeIntegerLists() throws -> [[Int64]] {
        let result = try run()
        guard case let .array(array) = result, let items = array.items else {
            throw fail("the pickle is not a NumPy array", at: bytes.count)
        }
        return try items.map { item in
            guard case let .list(list) = item, list.objects.isEmpty else {
                throw fail("an item of the array is not a list of integers", at: bytes.count)
            }
            return list.ints
        }
    }

    private static let allowedGlobals: Set<String> = [
        "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
        "numpy.ndarray", "numpy.dtype", "_codecs.encode",
    ]

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private func run() throws -> Value {
        var stack: [Value] = []
        var marks: [Int] = []
        var memo: [Int: Value] = [:]
        var p = start
        let n = bytes.count

        func need(_ count: Int, _ at: Int) throws {
            if p + count > n { throw fail("the pickle ends early", at: at) }
        }
        func uint(_ count: Int) -> Int {
            var v = 0
            for i in 0..<count { v |= Int(bytes[p + i]) << (8 * i) }
            p += count
            return v
        }
        func pop(_ at: Int) throws -> Value {
            guard let v = stack.popLast() else { throw fail("stack underflow", at: at) }
            return v
        }
        func popMark(_ at: Int) throws -> [Value] {
            guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no MARK", at: at) }
            let items = Array(stack[mark...])
            stack.removeSubrange(mark...)
            return items
        }
        func text(_ count: Int, _ at: Int) throws -> String {
            try need(count, at)
            guard let s = String(validating: bytes[p..<(p + count)], as: UTF8.self) else { throw fail("a string is not UTF-8", at: at) }
            p += count
            return s
        }
        func raw(_ count: Int, _ at: Int) throws -> [UInt8] {
            try need(count, at)
            defer { p += count }
            return Array(bytes[p..<(p + count)])
        }
        func line(_ at: Int) throws -> String {
            guard let end = bytes[p...].firstIndex(of: 0x0A) else { throw fail("a GLOBAL name is not terminated", at: at) }
            defer { p = end + 1 }
            return String(decoding: bytes[p..<end], as: UTF8.self)
        }
        func global(_ module: String, _ name: String, _ at: Int) throws -> Value {
            guard Self.allowedGlobals.contains("\(module).\(name)") else {
                throw fail("refusing to load the global \(module).\(name)", at: at)
            }
            return .global(module: module, name: name)
        }
        func append(_ items: [Value], to target: Value, _ at: Int) throws {
            guard case let .list(list) = target else { throw fail("APPEND to something that is not a list", at: at) }
            for item in items {
                if case let .int(v) = item {
                    guard list.objects.isEmpty else { throw fail("a list mixes integers and other objects", at: at) }
                    list.ints.append(v)
                } else {
                    guard list.ints.isEmpty else { throw fail("a list mixes integers and other objects", at: at) }
                    list.objects.append(item)
                }
            }
        }

        while p < n {
            let at = p
            let op = bytes[p]
            p += 1
            switch op {
            case 0x80: // PROTO
                try need(1, at)
                guard bytes[p] <= 5 else { throw fail("pickle protocol \(bytes[p]) is newer than 5", at: at) }
                p += 1
            case 0x95: // FRAME
                try need(8, at); p += 8
            case 0x2E: // STOP
                return try pop(at)
            case 0x28: // MARK
                marks.append(stack.count)
            case 0x5D: // EMPTY_LIST
                stack.append(.list(ListBox()))
            case 0x6C: // LIST
                let box = ListBox()
                try append(try popMark(at), to: .list(box), at)
                stack.append(.list(box))
            case 0x29: // EMPTY_TUPLE
                stack.append(.tuple([]))
            case 0x74: // TUPLE
                stack.append(.tuple(try popMark(at)))
            case 0x85, 0x86, 0x87: // TUPLE1, TUPLE2, TUPLE3
                let count = Int(op - 0x84)
                guard stack.count >= count else { throw fail("stack underflow", at: at) }
                let items = Array(stack.suffix(count))
                stack.removeLast(count)
                stack.append(.tuple(items))
            case 0x61: // APPEND
                let item = try pop(at)
                guard let target = stack.last else { throw fail("stack underflow", at: at) }
                try append([item], to: target, at)
            case 0x65: // APPENDS
                let items = try popMark(at)
                guard let target = stack.last else { throw fail("stack underflow", at: at) }
                try append(items, to: target, at)
            case 0x4B: // BININT1
                try need(1, at); stack.append(.int(Int64(uint(1))))
            case 0x4D: // BININT2
                try need(2, at); stack.append(.int(Int64(uint(2))))
            case 0x4A: // BININT
                try need(4, at); stack.append(.int(Int64(Int32(truncatingIfNeeded: uint(4)))))
            case 0x8A, 0x8B: // LONG1, LONG4
                let width = op == 0x8A ? 1 : 4
                try need(width, at)
                let count = uint(width)
                guard count <= 8 else { throw fail("an integer of \(count) bytes does not fit in 64 bits", at: at) }
                try need(count, at)
                var v: UInt64 = 0
                for i in 0..<count { v |= UInt64(bytes[p + i]) << (8 * UInt64(i)) }
                if count > 0 && count < 8 && bytes[p + count - 1] & 0x80 != 0 { v |= ~0 << (8 * UInt64(count)) }
                p += count
                stack.append(.int(Int64(bitPattern: v)))
            case 0x4E: stack.append(.none) // NONE
            case 0x88: stack.append(.bool(true)) // NEWTRUE
            case 0x89: stack.append(.bool(false)) // NEWFALSE
            case 0x47: // BINFLOAT
                try need(8, at)
                var v: UInt64 = 0
                for i in 0..<8 { v = v << 8 | UInt64(bytes[p + i]) }
                p += 8
                stack.append(.float(Double(bitPattern: v)))
            case 0x8C: // SHORT_BINUNICODE
                try need(1, at); let c = uint(1); stack.append(.string(try text(c, at)))
            case 0x58: // BINUNICODE
                try need(4, at); let c = uint(4); stack.append(.string(try text(c, at)))
            case 0x8D: // BINUNICODE8
                try need(8, at); let c = uint(8); stack.append(.string(try text(c, at)))
            case 0x55: // SHORT_BINSTRING (Python 2 str)
                try need(1, at); let c = uint(1); stack.append(.bytes(try raw(c, at)))
            case 0x54: // BINSTRING
                try need(4, at); let c = uint(4); stack.append(.bytes(try raw(c, at)))
            case 0x43: // SHORT_BINBYTES
                try need(1, at); let c = uint(1); stack.append(.bytes(try raw(c, at)))
            case 0x42: // BINBYTES
                try need(4, at); let c = uint(4); stack.append(.bytes(try raw(c, at)))
            case 0x8E: // BINBYTES8
                try need(8, at); let c = uint(8); stack.append(.bytes(try raw(c, at)))
            case 0x63: // GLOBAL
                let module = try line(at), name = try line(at)
                stack.append(try global(module, name, at))
            case 0x93: // STACK_GLOBAL
                let name = try pop(at), module = try pop(at)
                guard case let .string(m) = module, case let .string(nm) = name else { throw fail("STACK_GLOBAL without names", at: at) }
                stack.append(try global(m, nm, at))
            case 0x94: // MEMOIZE
                guard let top = stack.last else { throw fail("stack underflow", at: at) }
                memo[memo.count] = top
            case 0x71: // BINPUT
                try need(1, at); let key = uint(1)
                guard let top = stack.last else { throw fail("stack underflow", at: at) }
                memo[key] = top
            case 0x72: // LONG_BINPUT
                try need(4, at); let key = uint(4)
                guard let top = stack.last else { throw fail("stack underflow", at: at) }
                memo[key] = top
            case 0x68, 0x6A: // BINGET, LONG_BINGET
                let width = op == 0x68 ? 1 : 4
                try need(width, at)
                let key = uint(width)
                guard let value = memo[key] else { throw fail("memo entry \(key) is not defined", at: at) }
                stack.append(value)
            case 0x52: // REDUCE
                let args = try pop(at), callable = try pop(at)
                stack.append(try reduce(callable, args, at))
            case 0x62: // BUILD
                let state = try pop(at)
                guard let target = stack.last else { throw fail("stack underflow", at: at) }
                try build(target, state, at)
            default:
                throw fail("opcode 0x\(String(op, radix: 16)) is not one a NumPy object array uses", at: at)
            }
        }
        throw fail("the pickle has no STOP", at: p)
    }

    /// The effect of "calling" an allowed global: a description, never code.
    private func reduce(_ callable: Value, _ args: Value, _ at: Int) throws -> Value {
        guard case let .global(module, name) = callable, case let .tuple(items) = args else {
            throw fail("REDUCE of something that is not an allowed global", at: at)
        }
        switch (name, items.count) {
        case ("_reconstruct", 3):
            guard case let .global(_, cls) = items[0], cls == "ndarray" else { throw fail("_reconstruct of something that is not numpy.ndarray", at: at) }
            return .array(ArrayBox())
        case ("dtype", 3):
            guard let descr = items[0].text else { throw fail("numpy.dtype without a type string", at: at) }
            return .dtype(descr)
        case ("encode", 2) where module == "_codecs":
            guard case let .string(text) = items[0], case let .string(encoding) = items[1], encoding == "latin1" || encoding == "latin-1" else {
                throw fail("_codecs.encode that is not latin1 bytes", at: at)
            }
            return .bytes(text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) })
        default:
            throw fail("\(module).\(name) called with \(items.count) arguments", at: at)
        }
    }

    /// The effect of `__setstate__` on an array or dtype description.
    private func build(_ target: Value, _ state: Value, _ at: Int) throws {
        switch target {
        case .dtype:
            guard case let .tuple(items) = state, items.count >= 2 else { throw fail("a dtype state that is not a tuple", at: at) }
            if items[1].text == ">" { throw fail("big-endian dtypes are not read", at: at) }
        case let .array(array):
            guard case let .tuple(items) = state, items.count == 5, case let .tuple(shape) = items[1],
                  case let .dtype(descr) = items[2] else {
                throw fail("an ndarray state that is not (version, shape, dtype, fortran, data)", at: at)
            }
            guard descr == "O8" || descr == "O4" || descr == "O" else { throw fail("an array of dtype '\(descr)', not objects", at: at) }
            array.shape = try shape.map { dim in
                guard case let .int(v) = dim else { throw fail("a shape that is not integers", at: at) }
                return Int(v)
            }
            guard case let .list(list) = items[4] else { throw fail("object array data that is not a list", at: at) }
            guard list.ints.isEmpty else { throw fail("an object array of plain integers, not lists", at: at) }
            array.items = list.objects
        default:
            throw fail("BUILD on something that is not a NumPy array or dtype", at: at)
        }
    }
}
