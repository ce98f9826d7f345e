import CSystemZlib
import Foundation

/// Streams the decompressed bytes of a gzip file in chunks, without holding the whole file:
/// zlib's inflate with gzip header detection. A file that ends before the gzip trailer is
/// reported as truncated, not silently short.
public final class GzipReader {
    let path: String
    private let handle: FileHandle
    private var stream = z_stream()
    private var input = [UInt8]()
    private var finished = false
    /// Compressed bytes consumed so far, for error messages.
    public private(set) var compressedOffset = 0
    let chunkSize = 1 << 20

    public init(path: String) throws {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DataError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file")
        }
        self.handle = handle
        // 15 + 32: a 32 KiB window, and detect the gzip (or zlib) header.
        let status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DataError.corruptArchive(path: path, detail: "zlib init failed (\(status))") }
    }

    deinit {
        inflateEnd(&stream)
        try? handle.close()
    }

    /// The next run of decompressed bytes, or nil at the end of the stream.
    public func next() throws -> [UInt8]? {
        guard !finished else { return nil }
        var output = [UInt8](repeating: 0, count: chunkSize)
        var produced = 0
        while produced == 0 {
            if stream.avail_in == 0 {
                let data = try handle.read(upToCount: chunkSize) ?? Data()
                if data.isEmpty {
                    throw DataError.truncatedArchive(path: path, detail: "the gzip stream ends at byte \(compressedOffset) before its trailer")
                }
                input = [UInt8](data)
            }
            let status: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    if stream.avail_in == 0 {
                        stream.next_in = inBuffer.baseAddress
                        stream.avail_in = UInt32(inBuffer.count)
                    } else {
                        // Resume where the previous call stopped inside `input`.
                        stream.next_in = inBuffer.baseAddress! + (inBuffer.count - Int(stream.avail_in))
                    }
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    let before = stream.avail_in
                    let status = inflate(&stream, Z_NO_FLUSH)
                    compressedOffset += Int(before - stream.avail_in)
                    return status
                }
            }
            produced = chunkSize - Int(stream.avail_out)
            switch status {
            case Z_STREAM_END:
                finished = true
                return produced > 0 ? Array(output[0..<produced]) : nil
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw DataError.corruptArchive(path: path, detail: "\(message) at compressed byte \(compressedOffset)")
            }
        }
        return Array(output[0..<produced])
    }
}
