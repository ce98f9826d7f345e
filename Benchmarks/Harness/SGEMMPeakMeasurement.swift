import Dispatch
import RecurCompute

/// The machine's roofline: the best SGEMM rate of a backend (OpenBLAS on the CPU backend,
/// CLBlast on an OpenCL device) on square `size`³ products, best of `repeats` after a warm-up.
public enum SGEMMPeakMeasurement {
    public static func measure(on backend: Backend, size: Int, repeats: Int) throws -> SGEMMPeak {
        let n = size
        let a = try backend.tensor((0..<(n * n)).map { Float(($0 % 13) - 6) / 8 })
        let b = try backend.tensor((0..<(n * n)).map { Float(($0 % 7) - 3) / 4 })
        let c = try backend.zeros(n * n)
        let op = Op.gemm(GEMM(m: n, n: n, k: n, a: a, b: b, c: c))
        try op.validate()
        var best = Double.infinity
        for index in 0...repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try backend.enqueue(op, lane: 0)
            try backend.synchronize()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            if index > 0 { best = Swift.min(best, seconds) }
        }
        let flops = 2 * Double(n) * Double(n) * Double(n)
        return SGEMMPeak(device: backend.device.identifier, library: backend.device.kind == .cpu ? "OpenBLAS" : "CLBlast",
                         size: n, gflopsPerS: best > 0 ? flops / best / 1e9 : 0)
    }
}
