;; The conjugate-gradient kernel of implicit ALS in WebAssembly SIMD (f32x4), the same arithmetic
;; as `implicit`'s _least_squares_cg (float32, BLAS-style symv/dot/axpy), so both cores can run it
;; on one shared memory. Source of cg-kernel-wasm.ts (`node --import tsx ltr/als/build-kernel.ts`).
;; Pointers are byte offsets into the shared memory; f (factors) must be a multiple of 4.
(module
  (import "env" "memory" (memory 1 32768 shared))

  ;; out[0..f) = scale · M·v for a symmetric f × f matrix M: since M = Mᵀ, sums rows of M weighted by
  ;; v (four rows at a time), which needs no horizontal additions.
  (func $symv (param $m i32) (param $v i32) (param $out i32) (param $fb i32) (param $scale f32)
    (local $b i32) (local $c i32) (local $row0 i32) (local $row1 i32) (local $row2 i32) (local $row3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $c (i32.const 0))
    (block $zd (loop $zl
      (br_if $zd (i32.ge_u (local.get $c) (local.get $fb)))
      (v128.store (i32.add (local.get $out) (local.get $c)) (v128.const i32x4 0 0 0 0))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $zl)))
    (local.set $b (i32.const 0))
    (block $bd (loop $bl
      (br_if $bd (i32.ge_u (local.get $b) (local.get $fb)))
      (local.set $s0 (f32x4.splat (f32.mul (local.get $scale) (f32.load offset=0 (i32.add (local.get $v) (local.get $b))))))
      (local.set $s1 (f32x4.splat (f32.mul (local.get $scale) (f32.load offset=4 (i32.add (local.get $v) (local.get $b))))))
      (local.set $s2 (f32x4.splat (f32.mul (local.get $scale) (f32.load offset=8 (i32.add (local.get $v) (local.get $b))))))
      (local.set $s3 (f32x4.splat (f32.mul (local.get $scale) (f32.load offset=12 (i32.add (local.get $v) (local.get $b))))))
      ;; row k of M starts at m + (b/4 + k)·fb bytes
      (local.set $row0 (i32.add (local.get $m) (i32.mul (i32.shr_u (local.get $b) (i32.const 2)) (local.get $fb))))
      (local.set $row1 (i32.add (local.get $row0) (local.get $fb)))
      (local.set $row2 (i32.add (local.get $row1) (local.get $fb)))
      (local.set $row3 (i32.add (local.get $row2) (local.get $fb)))
      (local.set $c (i32.const 0))
      (block $cd (loop $cl
        (br_if $cd (i32.ge_u (local.get $c) (local.get $fb)))
        (v128.store (i32.add (local.get $out) (local.get $c))
          (f32x4.add
            (v128.load (i32.add (local.get $out) (local.get $c)))
            (f32x4.add
              (f32x4.add
                (f32x4.mul (local.get $s0) (v128.load (i32.add (local.get $row0) (local.get $c))))
                (f32x4.mul (local.get $s1) (v128.load (i32.add (local.get $row1) (local.get $c)))))
              (f32x4.add
                (f32x4.mul (local.get $s2) (v128.load (i32.add (local.get $row2) (local.get $c))))
                (f32x4.mul (local.get $s3) (v128.load (i32.add (local.get $row3) (local.get $c))))))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cl)))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br $bl))))

  ;; a · b over f floats (two accumulators, then the lanes).
  (func $dot (param $a i32) (param $b i32) (param $fb i32) (result f32)
    (local $c i32) (local $acc0 v128) (local $acc1 v128)
    (local.set $acc0 (v128.const i32x4 0 0 0 0))
    (local.set $acc1 (v128.const i32x4 0 0 0 0))
    (local.set $c (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.gt_u (i32.add (local.get $c) (i32.const 32)) (local.get $fb)))
      (local.set $acc0 (f32x4.add (local.get $acc0)
        (f32x4.mul (v128.load offset=0 (i32.add (local.get $a) (local.get $c))) (v128.load offset=0 (i32.add (local.get $b) (local.get $c))))))
      (local.set $acc1 (f32x4.add (local.get $acc1)
        (f32x4.mul (v128.load offset=16 (i32.add (local.get $a) (local.get $c))) (v128.load offset=16 (i32.add (local.get $b) (local.get $c))))))
      (local.set $c (i32.add (local.get $c) (i32.const 32)))
      (br $l)))
    (if (i32.lt_u (local.get $c) (local.get $fb))
      (then (local.set $acc0 (f32x4.add (local.get $acc0)
        (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $c))) (v128.load (i32.add (local.get $b) (local.get $c))))))))
    (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))

  ;; dst += s · src over f floats.
  (func $axpy (param $s f32) (param $src i32) (param $dst i32) (param $fb i32)
    (local $c i32) (local $sv v128)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $c (i32.const 0))
    (block $d (loop $l
      (br_if $d (i32.ge_u (local.get $c) (local.get $fb)))
      (v128.store (i32.add (local.get $dst) (local.get $c))
        (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $c)))
          (f32x4.mul (local.get $sv) (v128.load (i32.add (local.get $src) (local.get $c))))))
      (local.set $c (i32.add (local.get $c) (i32.const 16)))
      (br $l))))

  ;; Σ over the row's interactions of w_n · (y_n·v) · y_n into acc, with w_n = α·count_n and, when
  ;; `first`, the right-hand side term: acc += ((1 + w_n) − w_n · (y_n·v)) · y_n. The dot and the
  ;; axpy of one y_n run back to back, so y_n is read from memory once and then from L1.
  (func $sparse (param $y i32) (param $indices i32) (param $values i32) (param $start i32) (param $end i32)
    (param $fb i32) (param $alpha f32) (param $v i32) (param $acc i32) (param $first i32)
    (local $n i32) (local $yo i32) (local $c i32) (local $yc i32) (local $vc i32) (local $w f32) (local $t f32) (local $tv v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $ac i32) (local $m i32) (local $mend i32) (local $pfo i32) (local $sink f32)
    (local.set $n (local.get $start))
    (block $nd (loop $nl
      (br_if $nd (i32.ge_u (local.get $n) (local.get $end)))
      ;; first pass: every 32 interactions, touch the next 32 factor rows (a cache line at a time) in a
      ;; tight loop with no dependencies, so their misses overlap instead of one row's at a time
      (if (i32.and (local.get $first) (i32.eqz (i32.and (i32.sub (local.get $n) (local.get $start)) (i32.const 31))))
        (then
          (local.set $m (local.get $n))
          (local.set $mend (select (local.get $end) (i32.add (local.get $n) (i32.const 32)) (i32.lt_u (local.get $end) (i32.add (local.get $n) (i32.const 32)))))
          (block $md (loop $ml
            (br_if $md (i32.ge_u (local.get $m) (local.get $mend)))
            (local.set $pfo (i32.add (local.get $y)
              (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $m) (i32.const 2)))) (local.get $fb))))
            (local.set $c (i32.const 0))
            (block $cd (loop $cl
              (br_if $cd (i32.ge_u (local.get $c) (local.get $fb)))
              (local.set $sink (f32.add (local.get $sink) (f32.load (i32.add (local.get $pfo) (local.get $c)))))
              (local.set $c (i32.add (local.get $c) (i32.const 64)))
              (br $cl)))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br $ml)))))
      (local.set $yo (i32.add (local.get $y)
        (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $n) (i32.const 2)))) (local.get $fb))))
      (local.set $w (f32.mul (local.get $alpha) (f32.load (i32.add (local.get $values) (i32.shl (local.get $n) (i32.const 2))))))
      ;; d = y_n · v: four accumulators over 16-float blocks (independent adds), then single chunks
      (local.set $acc0 (v128.const i32x4 0 0 0 0))
      (local.set $acc1 (v128.const i32x4 0 0 0 0))
      (local.set $acc2 (v128.const i32x4 0 0 0 0))
      (local.set $acc3 (v128.const i32x4 0 0 0 0))
      (local.set $c (i32.const 0))
      (block $dd (loop $dl
        (br_if $dd (i32.gt_u (i32.add (local.get $c) (i32.const 64)) (local.get $fb)))
        (local.set $yc (i32.add (local.get $yo) (local.get $c)))
        (local.set $vc (i32.add (local.get $v) (local.get $c)))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (v128.load offset=0 (local.get $yc)) (v128.load offset=0 (local.get $vc)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (v128.load offset=16 (local.get $yc)) (v128.load offset=16 (local.get $vc)))))
        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (v128.load offset=32 (local.get $yc)) (v128.load offset=32 (local.get $vc)))))
        (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (v128.load offset=48 (local.get $yc)) (v128.load offset=48 (local.get $vc)))))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (br $dl)))
      (block $td (loop $tl
        (br_if $td (i32.ge_u (local.get $c) (local.get $fb)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (i32.add (local.get $yo) (local.get $c))) (v128.load (i32.add (local.get $v) (local.get $c))))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $tl)))
      (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3))))
      (local.set $t (f32.mul (local.get $w)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
          (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0))))))
      (if (local.get $first)
        (then (local.set $t (f32.sub (f32.add (local.get $w) (f32.const 1)) (local.get $t)))))
      ;; acc += t · y_n
      (local.set $tv (f32x4.splat (local.get $t)))
      (local.set $c (i32.const 0))
      (block $ad (loop $al
        (br_if $ad (i32.gt_u (i32.add (local.get $c) (i32.const 64)) (local.get $fb)))
        (local.set $yc (i32.add (local.get $yo) (local.get $c)))
        (local.set $ac (i32.add (local.get $acc) (local.get $c)))
        (v128.store offset=0 (local.get $ac) (f32x4.add (v128.load offset=0 (local.get $ac)) (f32x4.mul (local.get $tv) (v128.load offset=0 (local.get $yc)))))
        (v128.store offset=16 (local.get $ac) (f32x4.add (v128.load offset=16 (local.get $ac)) (f32x4.mul (local.get $tv) (v128.load offset=16 (local.get $yc)))))
        (v128.store offset=32 (local.get $ac) (f32x4.add (v128.load offset=32 (local.get $ac)) (f32x4.mul (local.get $tv) (v128.load offset=32 (local.get $yc)))))
        (v128.store offset=48 (local.get $ac) (f32x4.add (v128.load offset=48 (local.get $ac)) (f32x4.mul (local.get $tv) (v128.load offset=48 (local.get $yc)))))
        (local.set $c (i32.add (local.get $c) (i32.const 64)))
        (br $al)))
      (block $atd (loop $atl
        (br_if $atd (i32.ge_u (local.get $c) (local.get $fb)))
        (local.set $yc (i32.add (local.get $yo) (local.get $c)))
        (local.set $ac (i32.add (local.get $acc) (local.get $c)))
        (v128.store offset=0 (local.get $ac) (f32x4.add (v128.load offset=0 (local.get $ac)) (f32x4.mul (local.get $tv) (v128.load offset=0 (local.get $yc)))))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $atl)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl)))
    ;; keeps the touches observable (a sum of factors is never this)
    (if (f32.eq (local.get $sink) (f32.const 1.5e38)) (then (unreachable))))

  ;; Rows [from, to) of X by `steps` CG steps from their current values (implicit's _solve_cg).
  ;; scratch: 3·f floats (r, p, Ap) owned by the calling thread.
  (func (export "solve")
    (param $x i32) (param $y i32) (param $yty i32) (param $indptr i32) (param $indices i32) (param $values i32)
    (param $f i32) (param $alpha f32) (param $steps i32) (param $from i32) (param $to i32) (param $scratch i32)
    (local $fb i32) (local $u i32) (local $xo i32) (local $start i32) (local $end i32) (local $c i32)
    (local $r i32) (local $p i32) (local $ap i32) (local $step i32)
    (local $rsold f32) (local $rsnew f32) (local $a f32) (local $av v128) (local $bv v128) (local $rv v128)
    (local.set $fb (i32.shl (local.get $f) (i32.const 2)))
    (local.set $r (local.get $scratch))
    (local.set $p (i32.add (local.get $scratch) (local.get $fb)))
    (local.set $ap (i32.add (local.get $p) (local.get $fb)))
    (local.set $u (local.get $from))
    (block $ud (loop $ul
      (br_if $ud (i32.ge_u (local.get $u) (local.get $to)))
      (local.set $start (i32.load offset=0 (i32.add (local.get $indptr) (i32.shl (local.get $u) (i32.const 2)))))
      (local.set $end (i32.load offset=4 (i32.add (local.get $indptr) (i32.shl (local.get $u) (i32.const 2)))))
      (local.set $xo (i32.add (local.get $x) (i32.mul (local.get $u) (local.get $fb))))
      (if (i32.eq (local.get $start) (local.get $end))
        (then
          ;; no interactions: zero factors, the exact solution
          (memory.fill (local.get $xo) (i32.const 0) (local.get $fb)))
        (else
          ;; r = Yᵀ C_u p_u − (Yᵀ C_u Y + λI) x_u
          (call $symv (local.get $yty) (local.get $xo) (local.get $r) (local.get $fb) (f32.const -1))
          (call $sparse (local.get $y) (local.get $indices) (local.get $values) (local.get $start) (local.get $end)
            (local.get $fb) (local.get $alpha) (local.get $xo) (local.get $r) (i32.const 1))
          (memory.copy (local.get $p) (local.get $r) (local.get $fb))
          (local.set $rsold (call $dot (local.get $r) (local.get $r) (local.get $fb)))
          (if (f32.ge (local.get $rsold) (f32.const 1e-20))
            (then
              (local.set $step (i32.const 0))
              (block $sd (loop $sl
                (br_if $sd (i32.ge_u (local.get $step) (local.get $steps)))
                ;; Ap = (Yᵀ C_u Y + λI) p without forming Yᵀ C_u Y
                (call $symv (local.get $yty) (local.get $p) (local.get $ap) (local.get $fb) (f32.const 1))
                (call $sparse (local.get $y) (local.get $indices) (local.get $values) (local.get $start) (local.get $end)
                  (local.get $fb) (local.get $alpha) (local.get $p) (local.get $ap) (i32.const 0))
                (local.set $a (f32.div (local.get $rsold) (call $dot (local.get $p) (local.get $ap) (local.get $fb))))
                (call $axpy (local.get $a) (local.get $p) (local.get $xo) (local.get $fb))
                (call $axpy (f32.neg (local.get $a)) (local.get $ap) (local.get $r) (local.get $fb))
                (local.set $rsnew (call $dot (local.get $r) (local.get $r) (local.get $fb)))
                (br_if $sd (f32.lt (local.get $rsnew) (f32.const 1e-20)))
                ;; p = r + (rsnew / rsold) p
                (local.set $bv (f32x4.splat (f32.div (local.get $rsnew) (local.get $rsold))))
                (local.set $c (i32.const 0))
                (block $pd (loop $pl
                  (br_if $pd (i32.ge_u (local.get $c) (local.get $fb)))
                  (v128.store (i32.add (local.get $p) (local.get $c))
                    (f32x4.add (v128.load (i32.add (local.get $r) (local.get $c)))
                      (f32x4.mul (local.get $bv) (v128.load (i32.add (local.get $p) (local.get $c))))))
                  (local.set $c (i32.add (local.get $c) (i32.const 16)))
                  (br $pl)))
                (local.set $rsold (local.get $rsnew))
                (local.set $step (i32.add (local.get $step) (i32.const 1)))
                (br $sl)))))))
      (local.set $u (i32.add (local.get $u) (i32.const 1)))
      (br $ul))))

  ;; out (f × f, f32) = upper triangle of Σ y_r y_rᵀ over rows [from, to) of Y; entries left of each
  ;; row's 4-float chunk that holds the diagonal stay zero (finishGram reads only a ≤ b).
  (func (export "gram") (param $y i32) (param $f i32) (param $from i32) (param $to i32) (param $out i32)
    (local $fb i32) (local $a i32) (local $c i32) (local $rowo i32) (local $yr i32) (local $n i32)
    (local $s v128)
    (local.set $fb (i32.shl (local.get $f) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $fb) (local.get $f)))
    (local.set $n (local.get $from))
    (block $nd (loop $nl
      (br_if $nd (i32.ge_u (local.get $n) (local.get $to)))
      (local.set $yr (i32.add (local.get $y) (i32.mul (local.get $n) (local.get $fb))))
      (local.set $a (i32.const 0))
      (block $ad (loop $al
        (br_if $ad (i32.ge_u (local.get $a) (local.get $fb)))
        (local.set $s (f32x4.splat (f32.load (i32.add (local.get $yr) (local.get $a)))))
        (local.set $rowo (i32.add (local.get $out) (i32.mul (i32.shr_u (local.get $a) (i32.const 2)) (local.get $fb))))
        ;; from the chunk holding column a: a & ~15 bytes
        (local.set $c (i32.and (local.get $a) (i32.const -16)))
        (block $cd (loop $cl
          (br_if $cd (i32.ge_u (local.get $c) (local.get $fb)))
          (v128.store (i32.add (local.get $rowo) (local.get $c))
            (f32x4.add (v128.load (i32.add (local.get $rowo) (local.get $c)))
              (f32x4.mul (local.get $s) (v128.load (i32.add (local.get $yr) (local.get $c))))))
          (local.set $c (i32.add (local.get $c) (i32.const 16)))
          (br $cl)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br $al)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $nl))))
)
