import COpenCL
import Foundation
import Logging

/// CLBlast kernel parameters tuned for one device (by `recur tune`, from CLBlast's own tuners),
/// stored per device and applied with `CLBlastOverrideParameters` whenever an OpenCL backend
/// opens that device. CLBlast ships parameters for many GPUs; for a device it does not know
/// (PoCL, a new GPU) it falls back to generic defaults, which is where tuning pays.
public struct CLBlastTuning: Codable, Equatable, Sendable {
    public struct Entry: Codable, Equatable, Sendable {
        /// CLBlast's kernel name for `CLBlastOverrideParameters`: `Xgemm`, `XgemmDirect`, `Copy`, …
        public var kernel: String
        public var parameters: [String: Int]
        /// What the tuner measured with these parameters, and at which size.
        public var milliseconds: Double
        public var gflopsPerSecond: Double?
        public var problem: String

        public init(kernel: String, parameters: [String: Int], milliseconds: Double, gflopsPerSecond: Double?, problem: String) {
            self.kernel = kernel; self.parameters = parameters; self.milliseconds = milliseconds
            self.gflopsPerSecond = gflopsPerSecond; self.problem = problem
        }
    }

    /// The device these were tuned on: name, driver and platform (`ProgramCache`'s identity).
    public var device: String
    public var entries: [Entry]

    public init(device: String, entries: [Entry] = []) {
        self.device = device
        self.entries = entries
    }

    /// Keeps the faster entry per kernel (the GEMM tuner reports one result per GEMM variant).
    public mutating func merge(_ entry: Entry) {
        if let i = entries.firstIndex(where: { $0.kernel == entry.kernel }) {
            if entry.milliseconds <= entries[i].milliseconds || entries[i].problem != entry.problem { entries[i] = entry }
        } else {
            entries.append(entry)
            entries.sort { $0.kernel < $1.kernel }
        }
    }

    /// Overrides CLBlast's single-precision parameters on `device`; returns the kernels that
    /// CLBlast refused (an unknown kernel or an incomplete parameter set), each with its status.
    @discardableResult
    func apply(to device: cl_device_id) -> [(kernel: String, status: Int32)] {
        var refused: [(String, Int32)] = []
        for entry in entries {
            let names = entry.parameters.keys.sorted()
            let values = names.map { entry.parameters[$0]! }
            var cNames = names.map { strdup($0) }
            defer { cNames.forEach { free($0) } }
            let status = cNames.withUnsafeMutableBufferPointer { namePointers in
                values.withUnsafeBufferPointer { valuePointers in
                    namePointers.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: names.count) { pointer in
                        CLBlastOverrideParameters(device, entry.kernel, CLBlastPrecisionSingle, names.count, pointer, valuePointers.baseAddress)
                    }
                }
            }
            if status.rawValue != 0 { refused.append((entry.kernel, status.rawValue)) }
        }
        let logger = Logger(label: "recur.clblast")
        if refused.isEmpty {
            logger.info("applied tuned CLBlast parameters for \(entries.map(\.kernel).joined(separator: ", ")) on \(self.device)")
        } else {
            logger.warning("CLBlast refused tuned parameters for \(refused.map { "\($0.0) (status \($0.1))" }.joined(separator: ", ")); run `recur tune` again")
        }
        return refused
    }
}
