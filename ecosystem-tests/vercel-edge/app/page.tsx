export default function Home() {
  return <main>capx on Vercel Edge</main>;
}
