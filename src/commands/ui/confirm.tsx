import { Box, Text, render, useApp, useInput } from 'ink';
import { useState } from 'react';

function Confirm({ plan, onAnswer }: { plan: string; onAnswer: (yes: boolean) => void }) {
  const { exit } = useApp();
  const [answered, setAnswered] = useState<boolean | undefined>(undefined);
  useInput((input, key) => {
    const yes = input.toLowerCase() === 'y';
    if (yes || input.toLowerCase() === 'n' || key.return || key.escape) {
      setAnswered(yes);
      onAnswer(yes);
      exit();
    }
  });
  return (
    <Box flexDirection="column">
      <Text>{plan}</Text>
      <Box marginTop={1}>
        <Text bold>Apply this plan? </Text>
        <Text dimColor>{answered === undefined ? '[y/N]' : answered ? 'yes' : 'no'}</Text>
      </Box>
    </Box>
  );
}

/** Show a plan and ask; resolves true only on an explicit "y". */
export async function confirmPlan(plan: string): Promise<boolean> {
  let answer = false;
  const app = render(<Confirm plan={plan} onAnswer={(yes) => (answer = yes)} />);
  await app.waitUntilExit();
  return answer;
}
