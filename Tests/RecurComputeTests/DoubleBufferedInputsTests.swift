import XCTest
@testable import RecurCompute

/// Batch uploads overlap the current step without racing it: each step sees exactly its own
/// batch, the host never blocks, and the results match the CPU.
final class DoubleBufferedInputsTests: XCTestCase {
    func run(on backend: Backend, steps: Int) throws -> [[Float]] {
        let n = 4099
        let inputs = try DoubleBufferedInputs(backend: backend, tensors: ["x": (.float32, n), "ids": (.int32, 3)])
        let table = try backend.tensor((0..<(4 * 5)).map { Float($0) })
        // One plan per slot, built once: out = gather(table, ids) ++ 2·x, summed into a scalar.
        var plans: [Plan] = []
        var outputs: [FloatRef] = []
        for slot in 0..<2 {
            let doubled = try backend.zeros(n), gathered = try backend.zeros(3 * 5), total = try backend.zeros(1)
            var plan = Plan()
            try plan.append(.fill(Fill(doubled, value: 0)))
            try plan.append(.axpby(Axpby(alpha: 2, x: inputs.floats("x", batch: slot), beta: 0, y: doubled)))
            try plan.append(.embeddingGather(EmbeddingGather(batch: 3, time: 1, vocabulary: 4, width: 5,
                                                             tokenIDs: inputs.ints("ids", batch: slot), table: table, output: gathered)))
            try plan.append(.sumOfSquares(SumOfSquares(doubled, result: total, accumulate: false)))
            try plan.append(.sumOfSquares(SumOfSquares(gathered, result: total, accumulate: true)))
            plans.append(plan)
            outputs.append(total)
        }
        var pending: [PendingRead] = []
        let before = backend.counters
        try inputs.upload(batch: 0, floats: ["x": batchValues(0, n)], ints: ["ids": batchIDs(0)])
        for step in 0..<steps {
            try plans[step % 2].enqueue(on: backend)
            try inputs.stepEnqueued(batch: step)
            pending.append(try backend.readAsync(outputs[step % 2], lane: 0))
            if step + 1 < steps {
                try inputs.upload(batch: step + 1, floats: ["x": batchValues(step + 1, n)], ints: ["ids": batchIDs(step + 1)])
            }
        }
        XCTAssertEqual(backend.counters.blockingReads, before.blockingReads, "the loop never blocks on a read")
        return try pending.map { try $0.wait() }
    }

    func batchValues(_ step: Int, _ n: Int) -> [Float] { (0..<n).map { Float(($0 * 7 + step * 13) % 11) * 0.25 } }
    func batchIDs(_ step: Int) -> [Int32] { [Int32(step % 4), Int32((step + 1) % 4), Int32((step + 3) % 4)] }

    func testEveryStepSeesItsOwnBatchOnBothBackends() throws {
        let steps = 12
        let expected = try run(on: CPUBackend(), steps: steps)
        // Each step's result differs from its neighbours', so a step that read the wrong batch shows.
        XCTAssertEqual(Set(expected.map { $0[0] }).count, steps)
        let opencl = try OpenCLBackend(entry: firstOpenCLDevice())
        let actual = try run(on: opencl, steps: steps)
        for step in 0..<steps {
            XCTAssertEqual(actual[step][0], expected[step][0], accuracy: 1e-3 * abs(expected[step][0]), "step \(step)")
        }
    }
}

/// The ordering protocol itself, recorded call by call, since no device is guaranteed to expose
/// a race: each upload waits for the step two batches back (the last reader of its slot), never
/// the step just queued, and the compute lane joins the copy before the step that reads it.
final class DoubleBufferedOrderingTests: XCTestCase {
    final class RecordingBackend: Backend {
        final class Marker: LaneMarker { let id: Int; init(_ id: Int) { self.id = id } }
        let inner = CPUBackend()
        var log: [String] = []
        var markers = 0
        var device: DeviceInfo { inner.device }
        var counters: BackendCounters { inner.counters }
        func supports(_ kind: OpKind) -> Bool { true }
        func allocate(_ type: DeviceElementType, count: Int) throws -> DeviceStorage { try inner.allocate(type, count: count) }
        func write<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>) throws { try inner.write(values, to: tensor) }
        func upload<E: DeviceElement>(_ values: [E], to tensor: TensorRef<E>, lane: Int) throws {
            log.append("upload@\(lane)"); try inner.upload(values, to: tensor, lane: lane)
        }
        func read<E: DeviceElement>(_ tensor: TensorRef<E>) throws -> [E] { try inner.read(tensor) }
        func readAsync(_ tensor: FloatRef, lane: Int) throws -> PendingRead { try inner.readAsync(tensor, lane: lane) }
        func enqueue(_ op: Op, lane: Int) throws { log.append("op@\(lane)"); try inner.enqueue(op, lane: lane) }
        func join(lane: Int, into waiting: Int) throws { log.append("join \(lane)->\(waiting)") }
        func mark(lane: Int) throws -> LaneMarker { markers += 1; log.append("mark#\(markers)@\(lane)"); return Marker(markers) }
        func wait(lane: Int, for marker: LaneMarker) throws { log.append("wait#\((marker as! Marker).id)@\(lane)") }
        func flush() throws {}
        func synchronize() throws {}
    }

    func testUploadWaitsForTheSlotsLastReaderOnlyAndStepsWaitForTheirUpload() throws {
        let backend = RecordingBackend()
        let inputs = try DoubleBufferedInputs(backend: backend, tensors: ["x": (.float32, 4)])
        let out = try backend.zeros(4)
        for batch in 0..<5 {
            backend.log.append("-- batch \(batch)")
            try inputs.upload(batch: batch, floats: ["x": [1, 2, 3, Float(batch)]])
            try backend.enqueue(.copy2D(Copy2D(inputs.floats("x", batch: batch), to: out)), lane: 0)
            try inputs.stepEnqueued(batch: batch)
        }
        let log = backend.log
        func section(_ batch: Int) -> [String] {
            let start = log.firstIndex(of: "-- batch \(batch)")! + 1
            let end = log.firstIndex(of: "-- batch \(batch + 1)") ?? log.count
            return Array(log[start..<end])
        }
        // Batches 0 and 1 find their slots unused: no wait.
        XCTAssertEqual(section(0), ["upload@2", "join 2->0", "op@0", "mark#1@0"])
        XCTAssertEqual(section(1), ["upload@2", "join 2->0", "op@0", "mark#2@0"])
        // Batch n waits for marker n−1 (made after step n−2), not marker n (after step n−1).
        for batch in 2..<5 {
            XCTAssertEqual(section(batch), ["wait#\(batch - 1)@2", "upload@2", "join 2->0", "op@0", "mark#\(batch + 1)@0"], "batch \(batch)")
        }
    }
}
