(* proofs/wp_poll.ml: loaded into every WP run (frama-c -load-script, which compiles it with
   ocamlfind; mk/prove.mk, WP_POLL). It changes how long Frama-C's task server sleeps between two
   looks at its running tasks, nothing else: the goals, the provers, their time limits and the
   verdicts are the same.

   Why: in batch mode Frama-C 25 sleeps 50 ms between two rounds of WP's proof tasks
   (Task.on_idle), and a goal takes several rounds (cache lookup, prover start, result), so a run
   slept most of the time. Here a round that did work (it took over a millisecond: a goal built
   and simplified, a prover started or its answer read) is followed by a 1 ms pause; an idle
   round (a prover still running) doubles the pause, up to the original 50 ms, so a long prover
   run costs no more polling than before. Measured on the 2-core machine, WP on ref/rc.c alone:
   every result in the cache, 43 s wall for 15 s of CPU before, 14 s for 14 s after; from an
   empty cache, 92 s wall for 60 s of CPU before, 68 s for 59 s after. (A fixed 5 ms pause was as
   fast alone but cost 5% more CPU, which a full run, with three WP runs on two cores, paid.) *)
let () =
  Task.on_idle :=
    fun more ->
      let pause = ref 0.001 in
      try
        while
          let t0 = Unix.gettimeofday () in
          let again = more () in
          (if Unix.gettimeofday () -. t0 > 0.001 then pause := 0.001
           else pause := Float.min 0.05 (!pause *. 2.));
          again
        do Unix.sleepf !pause done
      with Db.Cancel -> ()
