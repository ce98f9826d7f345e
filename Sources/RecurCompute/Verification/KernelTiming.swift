import Foundation

/// `recur verify --perf`: how long a check's ops take on a device, median over repeats after a
/// warm-up, synchronizing once per repeat (so launch and queue overhead count, as in a step).
public struct KernelTiming: Sendable {
    public var check: String
    public var shape: String
    public var device: String
    public var medianMicroseconds: Double
    public var minMicroseconds: Double
    /// Counted FLOPs of the GEMMs in the check (0 for other ops).
    public var flops: Double

    public var gflopsPerSecond: Double { medianMicroseconds > 0 ? flops / medianMicroseconds / 1e3 : 0 }
}

extension KernelVerifier {
    public func time(_ check: KernelCheck, on backend: Backend, warmUp: Int = 3, repeats: Int = 15) throws -> KernelTiming {
        var table = try allocate(check, on: backend)
        let ops = check.makeOps(table)
        for op in ops { try op.validate() }
        var samples: [Double] = []
        for iteration in 0..<(warmUp + repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            for op in ops { try backend.enqueue(op, lane: 0) }
            try backend.synchronize()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3
            if iteration >= warmUp { samples.append(elapsed) }
        }
        table = TensorTable()
        samples.sort()
        let flops = ops.reduce(0.0) { total, op in
            if case .gemm(let g) = op { return total + g.flops }
            return total
        }
        return KernelTiming(check: check.name, shape: check.shape, device: backend.device.identifier,
                            medianMicroseconds: samples[samples.count / 2], minMicroseconds: samples[0], flops: flops)
    }
}
