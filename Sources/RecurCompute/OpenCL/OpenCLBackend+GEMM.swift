import COpenCL

extension OpenCLBackend {
    /// Row-major GEMM: `gemm_skinny.cl` for the shapes it is chosen for (``skinnyGEMMRows(_:)``,
    /// ``splitKPlan(_:)``), else CLBlast, batched-strided when `batch > 1`. No event is requested
    /// (unless a profile is being recorded), so nothing is created per call and nothing waits.
    func gemm(_ o: GEMM, lane: Int) throws {
        if o.aSecond != nil || o.cSecond != nil {
            for part in o.singleTensorParts { try gemm(part, lane: lane) }
            return
        }
        // B's column sums (``GEMM/columnSums``), where the product did not form them, in a pass
        // of their own by the row-sum kernel.
        if try !product(o, lane: lane), let sums = o.columnSumsOp { try enqueue(sums, lane: lane) }
    }

    /// Returns whether B's column sums came with the product.
    private func product(_ o: GEMM, lane: Int) throws -> Bool {
        if let rowsPerGroup = skinnyGEMMRows(o) {
            try skinnyGEMM(o, rowsPerGroup: rowsPerGroup, lane: lane)
            return false
        }
        if let plan = splitKPlan(o) {
            return try weightGradientGEMM(o, splits: plan.splits, slice: plan.slice, lane: lane)
        }
        var queue: cl_command_queue? = try self.queue(lane)
        let ta = o.transposeA ? CLBlastTransposeYes : CLBlastTransposeNo
        let tb = o.transposeB ? CLBlastTransposeYes : CLBlastTransposeNo
        let status: CLBlastStatusCode = loggingEvent { event in
            if o.batch == 1 {
                return CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, o.m, o.n, o.k, o.alpha,
                                    o.a.clMem, o.a.offset, o.lda, o.b.clMem, o.b.offset, o.ldb, o.beta,
                                    o.c.clMem, o.c.offset, o.ldc, &queue, event)
            }
            return CLBlastSgemmStridedBatched(CLBlastLayoutRowMajor, ta, tb, o.m, o.n, o.k, o.alpha,
                                              o.a.clMem, o.a.offset, o.lda, o.strideA, o.b.clMem, o.b.offset, o.ldb, o.strideB,
                                              o.beta, o.c.clMem, o.c.offset, o.ldc, o.strideC, o.batch, &queue, event)
        }
        guard status == CLBlastSuccess else {
            throw ComputeError.clblast(routine: o.batch == 1 ? "Sgemm" : "SgemmStridedBatched", status: status.rawValue)
        }
        countGEMM()
        return false
    }
}
