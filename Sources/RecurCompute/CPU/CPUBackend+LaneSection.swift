/// Lanes on the CPU backend. Ops run as they are enqueued, except inside the section that
/// ``Plan/appendConcurrently(_:_:)-(Plan,Plan)`` builds — the two directions of a bidirectional
/// layer — which opens by joining lane 0 into lane 1 and closes by joining lane 1 back into
/// lane 0. There each lane's ops are collected, and at the close they run each lane in its own
/// order, the two lanes' recurrent loops side by side (``CPUBackend/recurrentLoops(_:)``).
///
/// Why: a direction's loop on one worker with every batch row costs little more than on two
/// workers with half the rows each — a step's recurrent product and cells are too small to
/// split well. Measured on the 2-core development machine, one loop: stacked-bilstm's second
/// layer (B = 64, H = 32) 4.1–4.4 ms on one worker, 3.7–4.1 on two; bilstm's (B = 32, H = 64)
/// 4.7 on one, 2.5 on two. Two directions side by side take the one-worker time instead of
/// twice the two-worker time. Training steps, old and new builds interleaved (medians of 10):
/// bilstm 31.1 → 27.5 ms, stacked-bilstm 88.6 → 84.8, bigru-w2v 215.6 → 211.6.
///
/// The lanes of a section share only what was written before it (as on OpenCL, where they are
/// two queues), so running lane 0's ops up to its loop, then lane 1's, then both loops is one
/// of the orders the lanes allow, and gives what running them one after the other gives.
/// Anything that reads, writes, waits or synchronizes runs an open section first.
struct LaneSection {
    /// The lanes a section collects.
    static let lanes = 0..<2
    var ops: [[Op]] = [[], []]
}

extension CPUBackend {
    /// Runs and closes the open section, if there is one.
    func runOpenLaneSection() {
        guard let section = laneSection else { return }
        laneSection = nil
        var next = LaneSection.lanes.map { _ in 0 }
        while zip(next, section.ops).contains(where: { $0 < $1.count }) {
            var loops: [RecurrentLoop] = []
            for lane in LaneSection.lanes {
                let ops = section.ops[lane]
                while next[lane] < ops.count {
                    let op = ops[next[lane]]
                    next[lane] += 1
                    if case .recurrentLoop(let loop) = op {
                        counters.launches += 1
                        loops.append(loop)
                        break
                    }
                    execute(op)
                }
            }
            if !loops.isEmpty { recurrentLoops(loops) }
        }
    }
}
