import Foundation

/// One JSON file a CLBlast tuner (`clblast_tuner_xgemm`, …) writes into its working directory,
/// e.g. `clblast_xgemm_direct_1_32.json`: the kernel family, the best parameters as
/// `"KWID=2 MDIMAD=8 … PRECISION=32 …"`, the best time, and the problem size.
public struct CLBlastTunerResult: Equatable, Sendable {
    public var entry: CLBlastTuning.Entry

    /// The tuner families and CLBlast's kernel names for them.
    static let kernelNames = [
        "xgemm": "Xgemm", "xgemm_direct": "XgemmDirect", "copy": "Copy", "pad": "Pad", "transpose": "Transpose",
        "padtranspose": "Padtranspose", "xaxpy": "Xaxpy", "xdot": "Xdot", "xgemv": "Xgemv", "xger": "Xger",
        "invert": "Invert", "routine_xgemm": "GemmRoutine", "gemm_routine": "GemmRoutine",
    ]

    public enum Problem: Error, CustomStringConvertible, Equatable {
        case notATunerResult(String)
        public var description: String {
            switch self { case .notATunerResult(let detail): return "not a CLBlast tuner result: \(detail)" }
        }
    }

    public init(json data: Data) throws {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Problem.notATunerResult("the file is not a JSON object")
        }
        guard let family = object["kernel_family"] as? String, let best = object["best_parameters"] as? String else {
            throw Problem.notATunerResult("kernel_family or best_parameters is missing")
        }
        // Variants are numbered (`xgemm_1`, `xgemm_2` for GEMMK 0 and 1): one kernel either way.
        var base = family
        if let last = family.split(separator: "_").last, Int(last) != nil { base = String(family.dropLast(last.count + 1)) }
        guard let kernel = Self.kernelNames[base] else { throw Problem.notATunerResult("unknown kernel family '\(family)'") }
        var parameters: [String: Int] = [:]
        for pair in best.split(separator: " ") {
            let parts = pair.split(separator: "=")
            guard parts.count == 2, let value = Int(parts[1]) else { throw Problem.notATunerResult("parameter '\(pair)' is not NAME=integer") }
            if parts[0] != "PRECISION" { parameters[String(parts[0])] = value }
        }
        guard !parameters.isEmpty else { throw Problem.notATunerResult("best_parameters is empty") }
        let milliseconds = (object["best_time"] as? String).flatMap(Double.init) ?? .infinity
        let size = ["arg_m", "arg_n", "arg_k"].compactMap { object[$0] as? String }
        var gflops: Double?
        if size.count == 3, let m = Double(size[0]), let n = Double(size[1]), let k = Double(size[2]), milliseconds.isFinite, milliseconds > 0,
           base.hasPrefix("xgemm") {
            gflops = 2 * m * n * k / (milliseconds * 1e6)
        }
        let problem = size.isEmpty ? ((object["arg_n"] as? String).map { "n=\($0)" } ?? "") : size.joined(separator: "×")
        entry = CLBlastTuning.Entry(kernel: kernel, parameters: parameters, milliseconds: milliseconds, gflopsPerSecond: gflops, problem: problem)
    }
}
