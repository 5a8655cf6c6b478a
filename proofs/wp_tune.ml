(* proofs/wp_tune.ml: loaded into every WP run (compiled once by mk/prove.mk into
   build/proofs/wp_tune.cmxs, passed as -load-module through WP_TUNE). Two things:

   1. A proof strategy, `ra:induction`, for the runs that ask for it (-wp-auto ra:induction: the
   run of spec/heap_counts_lemmas.acsl). WP 25 has an induction tactic (Wp.induction: the base
   case, the step with the hypothesis for every smaller value, the values below the base) but
   no strategy that applies it, so without this a lemma about a recursive sum can only time out.
   The strategy offers the tactic on each integer variable that ends the arguments of a function
   named *_sum in the goal; WP tries it when the provers fail, and the cases are goals for the
   provers like any other: nothing is assumed.

   2. How Frama-C spends its time, nothing else: the goals, the provers, their time limits and
   the verdicts are the same. Measured on the 2-core machine:

   - Polling. In batch mode Frama-C 25 sleeps 50 ms between two rounds of WP's proof tasks
     (Task.on_idle), and a goal takes several rounds (cache lookup, prover start, result), so a
     lone WP run slept most of the time. Here a round that did work (it took over a millisecond:
     a goal built, a prover started or its answer read) is followed by a 1 ms pause; an idle
     round (a prover still running) doubles the pause, up to the original 50 ms, so a long
     prover run costs no more polling than before. WP on ref/rc.c alone: every result in the
     cache, 43 s wall for 15 s of CPU before, 14 s for 14 s after; from an empty cache, 92 s wall
     for 60 s of CPU before, 68 s for 59 s after (a fixed 5 ms pause: 64 s for 63 s). A whole
     `make prove` gains little: its three WP runs on two cores already filled each other's
     sleep (from an empty cache 860 to 892 s against 859 s before, from the cache 294 to 299 s
     against 293 to 320 s; this machine's timings vary by about 5%).

   - Garbage collection: a 4 Mword (32 MB) minor heap and a space overhead of 200 (Gc.set
     below; OCAMLRUNPARAM cannot, Frama-C sets its own parameters at start-up). perf shows
     Frama-C spending much of a WP run in OCaml's minor collector and the weak tables of its
     hash-consed terms. Measured with every result in the cache (so WP's own work only):
     walk_blocks' opaque run alone 53.5 s -> 35.8 s; three copies side by side (more processes
     than cores, as in `make prove`) 85 s -> 72 s each; the none3 opaque group alone 89 s -> 74 s,
     for 20% more memory (420 -> 516 MB). A larger minor heap (32 Mword, space overhead 400) had
     cut as much CPU per run but doubled the system time of a whole `make prove`, which took as
     long as before (860 s from an empty cache); 8 Mword was no faster than 4 here. The
     provers run in why3server's processes, so their time is not affected. *)
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

let () =
  Gc.set { (Gc.get ()) with Gc.minor_heap_size = 4 * 1024 * 1024; Gc.space_overhead = 200 }

let induction_vars goal =
  let found = ref Wp.Lang.F.Vars.empty in
  let rec walk t =
    (match Wp.Lang.F.repr t with
     | Qed.Logic.Fun (f, (_ :: _ as args))
       when Filename.check_suffix (Wp.Lang.Fun.debug f) "_sum" ->
       (match Wp.Lang.F.repr (List.nth args (List.length args - 1)) with
        | Qed.Logic.Fvar x when Wp.Lang.F.tau_of_var x = Qed.Logic.Int ->
          found := Wp.Lang.F.Vars.add x !found
        | _ -> ())
     | _ -> ());
    Wp.Lang.F.lc_iter walk t in
  walk (Wp.Lang.F.e_prop goal);
  !found

let () =
  Wp.Strategy.register
    (object
      method id = "ra:induction"
      method title = "Induction on the length of a sum"
      method descr = "Integer induction on a variable that ends the arguments of a *_sum function"
      method search push (seq : Wp.Conditions.sequent) =
        let goal = snd seq in
        let tactic = Wp.Tactical.lookup ~id:"Wp.induction" in
        Wp.Lang.F.Vars.iter
          (fun x ->
             push (Wp.Strategy.make tactic
                     (Wp.Tactical.Inside (Wp.Tactical.Goal goal, Wp.Lang.F.e_var x))))
          (induction_vars goal)
    end)
