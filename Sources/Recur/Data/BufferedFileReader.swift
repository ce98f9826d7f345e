#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a file through one reusable buffer and hands out lines or exact byte runs as pointers
/// into it, valid until the next call, so a multi-gigabyte embeddings file or a large dataset is
/// read without an allocation per line. The byte after every returned run is addressable (a
/// newline, a delimiter, or a NUL sentinel at the end of the data), so C number parsers that
/// stop at the first non-number byte can run on a run in place.
final class BufferedFileReader {
    let path: String
    private let descriptor: Int32
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEndOfFile = false
    private var bufferOffset = 0
    /// The 1-based number of the line `nextLine()` returned last.
    private(set) var lineNumber = 0
    /// The file offset of the next unread byte.
    var offset: Int { bufferOffset + start }

    init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        capacity = max(bufferSize, 16)
        storage = .allocate(capacity: capacity + 1)
        storage[0] = 0
    }

    deinit {
        close(descriptor)
        storage.deallocate()
    }

    /// Makes at least `count` bytes available from `start`, or all that is left of the file.
    private func fill(atLeast count: Int) throws {
        guard end - start < count, !atEndOfFile else { return }
        if start > 0 {
            memmove(storage, storage + start, end - start)
            bufferOffset += start
            end -= start
            start = 0
        }
        if count > capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(count, capacity * 2) + 1)
            grown.update(from: storage, count: end)
            storage.deallocate()
            storage = grown
            capacity = Swift.max(count, capacity * 2)
        }
        while end - start < count && !atEndOfFile {
            let n = read(descriptor, storage + end, capacity - end)
            if n < 0 {
                if errno == EINTR { continue }
                throw DataError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { atEndOfFile = true } else { end += n }
        }
        storage[end] = 0
    }

    /// The next line without its `\n` (a final line without one included), or nil at the end.
    func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        var scanned = 0
        while true {
            if let found = memchr(storage + start + scanned, 0x0A, end - start - scanned) {
                let newline = found.assumingMemoryBound(to: UInt8.self) - storage
                let line = UnsafeBufferPointer(start: storage + start, count: newline - start)
                start = newline + 1
                lineNumber += 1
                return line
            }
            scanned = end - start
            if atEndOfFile {
                guard scanned > 0 else { return nil }
                let line = UnsafeBufferPointer(start: storage + start, count: scanned)
                start = end
                lineNumber += 1
                return line
            }
            try fill(atLeast: scanned + (1 << 16))
        }
    }

    /// Skips any bytes equal to `byte`.
    func skip(_ byte: UInt8) throws {
        while true {
            while start < end && storage[start] == byte { start += 1 }
            if start < end || atEndOfFile { return }
            try fill(atLeast: 1)
        }
    }

    /// True when every byte has been consumed.
    func isAtEnd() throws -> Bool {
        try fill(atLeast: 1)
        return start == end
    }

    /// The bytes before the next `delimiter` (which is consumed), at most `maxLength` of them.
    /// Returns the bytes and whether the delimiter was found: false means the file ended or
    /// `maxLength` bytes went by without one.
    func bytes(upTo delimiter: UInt8, maxLength: Int) throws -> (bytes: UnsafeBufferPointer<UInt8>, found: Bool) {
        var scanned = 0
        while true {
            let available = Swift.min(end - start, maxLength + 1)
            if let found = memchr(storage + start + scanned, Int32(delimiter), available - scanned) {
                let index = found.assumingMemoryBound(to: UInt8.self) - storage
                let bytes = UnsafeBufferPointer(start: storage + start, count: index - start)
                start = index + 1
                return (bytes, true)
            }
            scanned = available
            if atEndOfFile || scanned > maxLength {
                let bytes = UnsafeBufferPointer(start: storage + start, count: Swift.min(scanned, maxLength))
                start += bytes.count
                return (bytes, false)
            }
            try fill(atLeast: scanned + 4096)
        }
    }

    /// The next `count` bytes, or fewer when the file ends first.
    func bytes(count: Int) throws -> UnsafeRawBufferPointer {
        try fill(atLeast: count)
        let taken = Swift.min(count, end - start)
        let bytes = UnsafeRawBufferPointer(start: storage + start, count: taken)
        start += taken
        return bytes
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The line without a trailing `\r` (files written on Windows).
    var droppingCarriageReturn: UnsafeBufferPointer<UInt8> {
        count > 0 && self[count - 1] == 0x0D ? UnsafeBufferPointer(rebasing: self[0..<(count - 1)]) : self
    }

    var utf8String: String? { String(validating: self, as: UTF8.self) }
}
